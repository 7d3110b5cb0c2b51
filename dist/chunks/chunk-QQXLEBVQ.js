import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{b as t}from"./chunk-XGWCACWB.js";async function s(e,o){await t(e);let n=e.entries.filter(r=>r.kind==="file").length;o.logger.info(`Removed the key files fn-context wrote and restored ${n} configuration files to what they were before fn-context.`)}export{s as a};
