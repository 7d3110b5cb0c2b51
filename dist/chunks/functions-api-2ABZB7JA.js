import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{a,b,c,d}from"./chunk-2K6HA2L2.js";import"./chunk-4X6MYNVG.js";import"./chunk-3UOJMH3F.js";import"./chunk-UHXRWUXA.js";import"./chunk-J7ZULRZI.js";import"./chunk-HPBD3JRV.js";import"./chunk-QY5RV7VY.js";export{a as applyFunction,c as findFunctionId,b as readFunction,d as waitForActive};
