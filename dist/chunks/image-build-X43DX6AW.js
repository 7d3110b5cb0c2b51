import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{h as a,i as b,j as c,k as d}from"./chunk-4YKJ7ZAH.js";import"./chunk-NCZ3RE47.js";import"./chunk-VWWAUQJE.js";import"./chunk-4QTRKU54.js";import"./chunk-HPBD3JRV.js";import"./chunk-QY5RV7VY.js";export{a as buildAndPush,b as buildImage,d as prebuiltDigest,c as pushImage};
