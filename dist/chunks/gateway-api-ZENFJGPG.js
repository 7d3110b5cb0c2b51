import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{a,b,c,d}from"./chunk-5J6GUBTA.js";import"./chunk-SWRALVXE.js";import"./chunk-YUCJCSN5.js";import"./chunk-QTGPLD55.js";import"./chunk-NGIQH7T5.js";import"./chunk-QY5RV7VY.js";export{a as GATEWAY_HINT,b as applyDeployment,c as findDeployment,d as readDeployment};
