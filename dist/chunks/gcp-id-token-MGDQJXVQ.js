import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{a as b,b as c}from"./chunk-QLBQ6SAN.js";import"./chunk-AR5RSYIE.js";import"./chunk-BLKSX72J.js";import"./chunk-WIZZKLF7.js";import{a}from"./chunk-N762BZSX.js";import"./chunk-HPBD3JRV.js";import"./chunk-QY5RV7VY.js";export{a as checkTokenFormat,c as gcpAccessToken,b as gcpIdToken};
