import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{a,b,c,d}from"./chunk-PCX774JZ.js";import"./chunk-SWRALVXE.js";import"./chunk-NJ37RQI7.js";import"./chunk-NGIQH7T5.js";import"./chunk-QY5RV7VY.js";export{a as GATEWAY_HINT,b as applyDeployment,c as findDeployment,d as readDeployment};
