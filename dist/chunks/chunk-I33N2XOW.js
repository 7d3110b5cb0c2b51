import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
var a={initialDelayMs:200,maxDelayMs:5e3,maxOvershootShare:.1};export{a};
