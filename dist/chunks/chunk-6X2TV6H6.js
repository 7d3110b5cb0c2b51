import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{a as r}from"./chunk-HPBD3JRV.js";function t(e){if(!e.ociProfile)throw new r(`no OCI profile: ${e.noProfileAdvice}`);return e.ociProfile}function o(e,i){return e.runLabel!==void 0||i.defaultRunLabel===void 0?e:Object.assign({},e,{runLabel:i.defaultRunLabel})}export{t as a,o as b};
