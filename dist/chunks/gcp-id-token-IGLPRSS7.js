import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{a,b}from"./chunk-5WPZOKO2.js";import"./chunk-UC4D6HJF.js";import"./chunk-BLKSX72J.js";import"./chunk-N762BZSX.js";import"./chunk-WIZZKLF7.js";import"./chunk-HPBD3JRV.js";import"./chunk-QY5RV7VY.js";export{b as gcpAccessToken,a as gcpIdToken};
