import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{d as t}from"./chunk-FLMUOXVR.js";var e=t("cleanup");export{e as a};
