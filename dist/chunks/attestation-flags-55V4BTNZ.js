import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{a,b}from"./chunk-VWWAUQJE.js";import"./chunk-HPBD3JRV.js";import"./chunk-QY5RV7VY.js";export{a as attestationFlags,b as builderFromHelp};
