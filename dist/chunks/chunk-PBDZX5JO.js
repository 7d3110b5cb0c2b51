import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
function u(r,t){let i=[];for(let[s,a]of r.split(/\r?\n/).entries()){let e=a.trim();if(e===""||t.comments&&e.startsWith("#"))continue;let n=e.indexOf(t.separator);i.push({number:s+1,key:(n<0?e:e.slice(0,n)).trim(),value:n<0?void 0:e.slice(n+1)})}return i}export{u as a};
