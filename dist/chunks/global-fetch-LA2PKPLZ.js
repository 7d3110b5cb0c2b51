import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{a}from"./chunk-TJ72LKO3.js";import"./chunk-QY5RV7VY.js";export default a();
