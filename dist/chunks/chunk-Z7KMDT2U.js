import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
function t(s){return{passed:String(s.passed),results:JSON.stringify(s.results)}}export{t as a};
