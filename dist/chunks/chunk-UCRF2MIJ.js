import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{b as a}from"./chunk-UNNN4LJJ.js";import{d as p}from"./chunk-QY5RV7VY.js";var t=p(a(),1);function c(s,n,o){return(0,t.genericPaginateRecords)(s,n,e=>e.opcNextPage,(e,r)=>Object.assign(e,{page:r}),o)}export{c as a};
