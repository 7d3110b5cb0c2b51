import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{a,b}from"./chunk-PB2J3XK3.js";import"./chunk-UHXRWUXA.js";import"./chunk-LT7SFMKD.js";import"./chunk-WIZZKLF7.js";import"./chunk-WE2TJFAH.js";import"./chunk-J7ZULRZI.js";import"./chunk-HPBD3JRV.js";import"./chunk-QY5RV7VY.js";export{a as failureSummary,b as runSmokeTest};
