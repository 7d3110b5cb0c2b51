import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
function n(o){return{url:o.url,revision:o.revision,changed:String(o.changed)}}export{n as a};
