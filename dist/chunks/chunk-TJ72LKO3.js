import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{b as o}from"./chunk-QY5RV7VY.js";var l=o((r,e)=>{var s=(...t)=>globalThis.fetch(...t);e.exports=s;e.exports.default=s;e.exports.Headers=globalThis.Headers;e.exports.Request=globalThis.Request;e.exports.Response=globalThis.Response});export{l as a};
