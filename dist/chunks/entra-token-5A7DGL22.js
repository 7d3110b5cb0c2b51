import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{a,b,c,d}from"./chunk-5G46EPTA.js";import"./chunk-VFS5Y7F5.js";import"./chunk-PRCXIFXJ.js";import"./chunk-WIZZKLF7.js";import"./chunk-HPBD3JRV.js";import"./chunk-QY5RV7VY.js";export{a as DEFAULT_FEDERATED_AUDIENCE,d as checkEntraTokenInputs,c as checkExpectedToken,b as entraToken};
