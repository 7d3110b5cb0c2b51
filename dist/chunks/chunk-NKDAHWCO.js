import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{b as t}from"./chunk-SG4YJS67.js";async function s(e,o){await t(e);let r=e.entries.filter(n=>n.kind==="file").length;o.logger.info(`Removed the API key and restored ${r} configuration files to what they were before fn-context.`)}export{s as a};
