import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{a as t}from"./chunk-MRPJFTAV.js";var r=t("restore-plan");export{r as a};
