import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{a,b}from"./chunk-YOMV4XVJ.js";import"./chunk-WIZZKLF7.js";import"./chunk-HPBD3JRV.js";import"./chunk-QY5RV7VY.js";export{b as keyConfusionTokens,a as readJwks};
