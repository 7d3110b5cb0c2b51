import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{d as t}from"./chunk-FLMUOXVR.js";var r=t("restore-plan");export{r as a};
