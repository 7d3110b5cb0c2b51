import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{b as t}from"./chunk-ERDDWUPL.js";var e=t("registry-login");export{e as a};
