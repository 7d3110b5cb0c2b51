import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{k as a,l as r}from"./chunk-EJ6A7YMS.js";function n(e){return{save:t=>a(e,JSON.stringify(t)),load:()=>{let t=r(e);return t?JSON.parse(t):void 0}}}export{n as a};
