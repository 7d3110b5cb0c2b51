import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{d as t}from"./chunk-SG4YJS67.js";var r=t("restore-plan");export{r as a};
