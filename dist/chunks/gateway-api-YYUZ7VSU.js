import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{a,b,c,d}from"./chunk-UGZ6NYXP.js";import"./chunk-WTNMHM5M.js";import"./chunk-ZLXKA4HS.js";import"./chunk-PCVYVZXC.js";import"./chunk-HPBD3JRV.js";import"./chunk-QY5RV7VY.js";export{a as GATEWAY_HINT,b as applyDeployment,c as findDeployment,d as readDeployment};
