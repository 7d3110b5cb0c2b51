import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{a,b}from"./chunk-25ATU2O7.js";import"./chunk-MSJRS4TJ.js";import"./chunk-LT7SFMKD.js";import"./chunk-WIZZKLF7.js";import"./chunk-WE2TJFAH.js";import"./chunk-PCVYVZXC.js";import"./chunk-HPBD3JRV.js";import"./chunk-QY5RV7VY.js";export{a as failureSummary,b as runSmokeTest};
