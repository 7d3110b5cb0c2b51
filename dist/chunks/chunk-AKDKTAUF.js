import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{o as t}from"./chunk-ETES3UWY.js";var r=t("restore-plan");export{r as a};
