import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{a,b}from"./chunk-Y3HPWXRM.js";import"./chunk-3UOJMH3F.js";import"./chunk-PHZ3L7NH.js";import"./chunk-5WYF2PMJ.js";import"./chunk-HPBD3JRV.js";import"./chunk-QY5RV7VY.js";export{a as findApplication,b as liveApplications};
