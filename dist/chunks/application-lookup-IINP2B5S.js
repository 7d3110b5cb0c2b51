import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{a}from"./chunk-2PACNHJZ.js";import"./chunk-WTNMHM5M.js";import"./chunk-5WYF2PMJ.js";import"./chunk-PHZ3L7NH.js";import"./chunk-HPBD3JRV.js";import"./chunk-QY5RV7VY.js";export{a as findApplication};
