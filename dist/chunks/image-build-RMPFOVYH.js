import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{a,b}from"./chunk-KGDZEFBB.js";import"./chunk-H6L7UBLH.js";import"./chunk-NCZ3RE47.js";import"./chunk-4QTRKU54.js";import"./chunk-HPBD3JRV.js";import"./chunk-QY5RV7VY.js";export{a as buildAndPush,b as prebuiltDigest};
