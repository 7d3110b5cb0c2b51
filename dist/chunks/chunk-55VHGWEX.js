import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
function o(t,n){return{check:t,status:"ok",detail:n,blocks:!1}}function r(t,n,s,e){return{check:t,status:"missing",detail:n,fix:s,blocks:e}}function i(t,n,s){return{check:t,status:"cannot tell",detail:n,...s?{fix:s}:{},blocks:!1}}export{o as a,r as b,i as c};
