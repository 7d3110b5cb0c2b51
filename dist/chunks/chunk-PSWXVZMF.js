import{createRequire as __fngateRequire}from"node:module";const require=__fngateRequire(import.meta.url);
import{b as o}from"./chunk-UNNN4LJJ.js";import{d as n}from"./chunk-QY5RV7VY.js";var i=n(o(),1);function s(e,r){let t=new i.ConfigFileAuthenticationDetailsProvider(e,r);return t.sessionToken?new i.SessionAuthDetailProvider(e,r):t}export{s as a};
