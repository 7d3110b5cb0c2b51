import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{b as t}from"./chunk-RS24P7YH.js";var e=t("registry-login");export{e as a};
