import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{a,b}from"./chunk-FGLWZ26E.js";import"./chunk-NGIQH7T5.js";import"./chunk-QY5RV7VY.js";export{a as buildAndPush,b as prebuiltDigest};
