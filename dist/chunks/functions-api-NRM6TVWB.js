import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{a,b,c}from"./chunk-RKCSM2EL.js";import"./chunk-4X6MYNVG.js";import"./chunk-3UOJMH3F.js";import"./chunk-UHXRWUXA.js";import"./chunk-J7ZULRZI.js";import"./chunk-HPBD3JRV.js";import"./chunk-QY5RV7VY.js";export{a as applyFunction,b as readFunction,c as waitForActive};
