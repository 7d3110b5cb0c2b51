import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
function u(o){return{url:o.url,revision:o.revision,changed:String(o.changed),...t(o)}}function t(o){let r=o.rollout;return r?{promoted:String(r.promoted),"rolled-back":String(r.rolledBack),"previous-revision":r.previousRevision,"tag-url":r.tagUrl,traffic:r.traffic}:{}}export{u as a,t as b};
