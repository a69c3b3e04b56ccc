/*! Hub web chat widget. Bundles @microsoft/signalr 10.0.11 (MIT, (c) .NET Foundation) and Hub's hub-client. Built by widget/build.mjs: do not edit. */
(function () {
"use strict";
if (window.HubWidget && window.HubWidget.__loaded) return;
var signalR = (function () {
  // Its UMD wrapper takes the CommonJS branch: nothing leaks onto the host page's window.
  var module = { exports: {} }, exports = module.exports, define = undefined;
var t,e;t=self,e=()=>(()=>{var t={d:(e,s)=>{for(var i in s)t.o(s,i)&&!t.o(e,i)&&Object.defineProperty(e,i,{enumerable:!0,get:s[i]})}};t.g=function(){if("object"==typeof globalThis)return globalThis;try{return this||new Function("return this")()}catch(t){if("object"==typeof window)return window}}(),t.o=(t,e)=>Object.prototype.hasOwnProperty.call(t,e),t.r=t=>{"undefined"!=typeof Symbol&&Symbol.toStringTag&&Object.defineProperty(t,Symbol.toStringTag,{value:"Module"}),Object.defineProperty(t,"t",{value:!0})};var e,s={};t.r(s),t.d(s,{AbortError:()=>r,DefaultHttpClient:()=>H,HttpClient:()=>d,HttpError:()=>i,HttpResponse:()=>u,HttpTransportType:()=>F,HubConnection:()=>q,HubConnectionBuilder:()=>tt,HubConnectionState:()=>A,JsonHubProtocol:()=>Y,LogLevel:()=>e,MessageType:()=>x,NullLogger:()=>f,Subject:()=>U,TimeoutError:()=>n,TransferFormat:()=>B,VERSION:()=>p});class i extends Error{constructor(t,e){const s=new.target.prototype;super(`${t}: Status code '${e}'`),this.statusCode=e,this.__proto__=s}}class n extends Error{constructor(t="A timeout occurred."){const e=new.target.prototype;super(t),this.__proto__=e}}class r extends Error{constructor(t="An abort occurred."){const e=new.target.prototype;super(t),this.__proto__=e}}class o extends Error{constructor(t,e){const s=new.target.prototype;super(t),this.transport=e,this.errorType="UnsupportedTransportError",this.__proto__=s}}class h extends Error{constructor(t,e){const s=new.target.prototype;super(t),this.transport=e,this.errorType="DisabledTransportError",this.__proto__=s}}class c extends Error{constructor(t,e){const s=new.target.prototype;super(t),this.transport=e,this.errorType="FailedToStartTransportError",this.__proto__=s}}class a extends Error{constructor(t){const e=new.target.prototype;super(t),this.errorType="FailedToNegotiateWithServerError",this.__proto__=e}}class l extends Error{constructor(t,e){const s=new.target.prototype;super(t),this.innerErrors=e,this.__proto__=s}}class u{constructor(t,e,s){this.statusCode=t,this.statusText=e,this.content=s}}class d{get(t,e){return this.send({...e,method:"GET",url:t})}post(t,e){return this.send({...e,method:"POST",url:t})}delete(t,e){return this.send({...e,method:"DELETE",url:t})}getCookieString(t){return""}}!function(t){t[t.Trace=0]="Trace",t[t.Debug=1]="Debug",t[t.Information=2]="Information",t[t.Warning=3]="Warning",t[t.Error=4]="Error",t[t.Critical=5]="Critical",t[t.None=6]="None"}(e||(e={}));class f{constructor(){}log(t,e){}}f.instance=new f;const p="10.0.11";class w{static isRequired(t,e){if(null==t)throw new Error(`The '${e}' argument is required.`)}static isNotEmpty(t,e){if(!t||t.match(/^\s*$/))throw new Error(`The '${e}' argument should not be empty.`)}static isIn(t,e,s){if(!(t in e))throw new Error(`Unknown ${s} value: ${t}.`)}}class g{static get isBrowser(){return!g.isNode&&"object"==typeof window&&"object"==typeof window.document}static get isWebWorker(){return!g.isNode&&"object"==typeof self&&"importScripts"in self}static get isReactNative(){return!g.isNode&&"object"==typeof window&&void 0===window.document}static get isNode(){return"undefined"!=typeof process&&process.release&&"node"===process.release.name}}function m(t,e){let s="";return y(t)?(s=`Binary data of length ${t.byteLength}`,e&&(s+=`. Content: '${function(t){const e=new Uint8Array(t);let s="";return e.forEach(t=>{s+=`0x${t<16?"0":""}${t.toString(16)} `}),s.substring(0,s.length-1)}(t)}'`)):"string"==typeof t&&(s=`String data of length ${t.length}`,e&&(s+=`. Content: '${t}'`)),s}function y(t){return t&&"undefined"!=typeof ArrayBuffer&&(t instanceof ArrayBuffer||t.constructor&&"ArrayBuffer"===t.constructor.name)}async function v(t,s,i,n,r,o){const h={},[c,a]=$();h[c]=a,t.log(e.Trace,`(${s} transport) sending data. ${m(r,o.logMessageContent)}.`);const l=y(r)?"arraybuffer":"text",u=await i.post(n,{content:r,headers:{...h,...o.headers},responseType:l,timeout:o.timeout,withCredentials:o.withCredentials});t.log(e.Trace,`(${s} transport) request complete. Response status: ${u.statusCode}.`)}class b{constructor(t,e){this.i=t,this.h=e}dispose(){const t=this.i.observers.indexOf(this.h);t>-1&&this.i.observers.splice(t,1),0===this.i.observers.length&&this.i.cancelCallback&&this.i.cancelCallback().catch(t=>{})}}class E{constructor(t){this.l=t,this.out=console}log(t,s){if(t>=this.l){const i=`[${(new Date).toISOString()}] ${e[t]}: ${s}`;switch(t){case e.Critical:case e.Error:this.out.error(i);break;case e.Warning:this.out.warn(i);break;case e.Information:this.out.info(i);break;default:this.out.log(i)}}}}function $(){let t="X-SignalR-User-Agent";return g.isNode&&(t="User-Agent"),[t,C(p,S(),g.isNode?"NodeJS":"Browser",k())]}function C(t,e,s,i){let n="Microsoft SignalR/";const r=t.split(".");return n+=`${r[0]}.${r[1]}`,n+=` (${t}; `,n+=e&&""!==e?`${e}; `:"Unknown OS; ",n+=`${s}`,n+=i?`; ${i}`:"; Unknown Runtime Version",n+=")",n}function S(){if(!g.isNode)return"";switch(process.platform){case"win32":return"Windows NT";case"darwin":return"macOS";case"linux":return"Linux";default:return process.platform}}function k(){if(g.isNode)return process.versions.node}function P(t){return t.stack?t.stack:t.message?t.message:`${t}`}class T extends d{constructor(e){if(super(),this.u=e,"undefined"==typeof fetch||g.isNode){const t=require;this.p=new(t("tough-cookie").CookieJar),"undefined"==typeof fetch?this.m=t("node-fetch"):this.m=fetch,this.m=t("fetch-cookie")(this.m,this.p)}else this.m=fetch.bind(function(){if("undefined"!=typeof globalThis)return globalThis;if("undefined"!=typeof self)return self;if("undefined"!=typeof window)return window;if(void 0!==t.g)return t.g;throw new Error("could not find global")}());if("undefined"==typeof AbortController){const t=require;this.v=t("abort-controller")}else this.v=AbortController}async send(t){if(t.abortSignal&&t.abortSignal.aborted)throw new r;if(!t.method)throw new Error("No method defined.");if(!t.url)throw new Error("No url defined.");const s=new this.v;let o;t.abortSignal&&(t.abortSignal.onabort=()=>{s.abort(),o=new r});let h,c=null;if(t.timeout){const i=t.timeout;c=setTimeout(()=>{s.abort(),this.u.log(e.Warning,"Timeout from HTTP request."),o=new n},i)}""===t.content&&(t.content=void 0),t.content&&(t.headers=t.headers||{},y(t.content)?t.headers["Content-Type"]="application/octet-stream":t.headers["Content-Type"]="text/plain;charset=UTF-8");try{h=await this.m(t.url,{body:t.content,cache:"no-cache",credentials:!0===t.withCredentials?"include":"same-origin",headers:{"X-Requested-With":"XMLHttpRequest",...t.headers},method:t.method,mode:"cors",redirect:"follow",signal:s.signal})}catch(t){if(o)throw o;throw this.u.log(e.Warning,`Error from HTTP request. ${t}.`),t}finally{c&&clearTimeout(c),t.abortSignal&&(t.abortSignal.onabort=null)}if(!h.ok){const t=await I(h,"text");throw new i(t||h.statusText,h.status)}const a=I(h,t.responseType),l=await a;return new u(h.status,h.statusText,l)}getCookieString(t){let e="";return g.isNode&&this.p&&this.p.getCookies(t,(t,s)=>e=s.join("; ")),e}}function I(t,e){let s;switch(e){case"arraybuffer":s=t.arrayBuffer();break;case"text":default:s=t.text();break;case"blob":case"document":case"json":throw new Error(`${e} is not supported.`)}return s}class _ extends d{constructor(t){super(),this.u=t}send(t){return t.abortSignal&&t.abortSignal.aborted?Promise.reject(new r):t.method?t.url?new Promise((s,o)=>{const h=new XMLHttpRequest;h.open(t.method,t.url,!0),h.withCredentials=void 0===t.withCredentials||t.withCredentials,h.setRequestHeader("X-Requested-With","XMLHttpRequest"),""===t.content&&(t.content=void 0),t.content&&(y(t.content)?h.setRequestHeader("Content-Type","application/octet-stream"):h.setRequestHeader("Content-Type","text/plain;charset=UTF-8"));const c=t.headers;c&&Object.keys(c).forEach(t=>{h.setRequestHeader(t,c[t])}),t.responseType&&(h.responseType=t.responseType),t.abortSignal&&(t.abortSignal.onabort=()=>{h.abort(),o(new r)}),t.timeout&&(h.timeout=t.timeout),h.onload=()=>{t.abortSignal&&(t.abortSignal.onabort=null),h.status>=200&&h.status<300?s(new u(h.status,h.statusText,h.response||h.responseText)):o(new i(h.response||h.responseText||h.statusText,h.status))},h.onerror=()=>{this.u.log(e.Warning,`Error from HTTP request. ${h.status}: ${h.statusText}.`),o(new i(h.statusText,h.status))},h.ontimeout=()=>{this.u.log(e.Warning,"Timeout from HTTP request."),o(new n)},h.send(t.content)}):Promise.reject(new Error("No url defined.")):Promise.reject(new Error("No method defined."))}}class H extends d{constructor(t){if(super(),"undefined"!=typeof fetch||g.isNode)this.$=new T(t);else{if("undefined"==typeof XMLHttpRequest)throw new Error("No usable HttpClient found.");this.$=new _(t)}}send(t){return t.abortSignal&&t.abortSignal.aborted?Promise.reject(new r):t.method?t.url?this.$.send(t):Promise.reject(new Error("No url defined.")):Promise.reject(new Error("No method defined."))}getCookieString(t){return this.$.getCookieString(t)}}class D{static write(t){return`${t}${D.RecordSeparator}`}static parse(t){if(t[t.length-1]!==D.RecordSeparator)throw new Error("Message is incomplete.");const e=t.split(D.RecordSeparator);return e.pop(),e}}D.RecordSeparatorCode=30,D.RecordSeparator=String.fromCharCode(D.RecordSeparatorCode);class R{writeHandshakeRequest(t){return D.write(JSON.stringify(t))}parseHandshakeResponse(t){let e,s;if(y(t)){const i=new Uint8Array(t),n=i.indexOf(D.RecordSeparatorCode);if(-1===n)throw new Error("Message is incomplete.");const r=n+1;e=String.fromCharCode.apply(null,Array.prototype.slice.call(i.slice(0,r))),s=i.byteLength>r?i.slice(r).buffer:null}else{const i=t,n=i.indexOf(D.RecordSeparator);if(-1===n)throw new Error("Message is incomplete.");const r=n+1;e=i.substring(0,r),s=i.length>r?i.substring(r):null}const i=D.parse(e),n=JSON.parse(i[0]);if(n.type)throw new Error("Expected a handshake response from the server.");return[s,n]}}var x,A;!function(t){t[t.Invocation=1]="Invocation",t[t.StreamItem=2]="StreamItem",t[t.Completion=3]="Completion",t[t.StreamInvocation=4]="StreamInvocation",t[t.CancelInvocation=5]="CancelInvocation",t[t.Ping=6]="Ping",t[t.Close=7]="Close",t[t.Ack=8]="Ack",t[t.Sequence=9]="Sequence"}(x||(x={}));class U{constructor(){this.observers=[]}next(t){for(const e of this.observers)e.next(t)}error(t){for(const e of this.observers)e.error&&e.error(t)}complete(){for(const t of this.observers)t.complete&&t.complete()}subscribe(t){return this.observers.push(t),new b(this,t)}}class L{constructor(t,e,s){this.C=1e5,this.S=[],this.k=0,this.P=!1,this.T=1,this.I=0,this._=0,this.H=!1,this.D=t,this.R=e,this.C=s}async A(t){const e=this.D.writeMessage(t);let s=Promise.resolve();if(this.U(t)){this.k++;let t=()=>{},i=()=>{};y(e)?this._+=e.byteLength:this._+=e.length,this._>=this.C&&(s=new Promise((e,s)=>{t=e,i=s})),this.S.push(new N(e,this.k,t,i))}try{this.H||await this.R.send(e)}catch{this.L()}await s}N(t){let e=-1;for(let s=0;s<this.S.length;s++){const i=this.S[s];if(i.q<=t.sequenceId)e=s,y(i.M)?this._-=i.M.byteLength:this._-=i.M.length,i.j();else{if(!(this._<this.C))break;i.j()}}-1!==e&&(this.S=this.S.slice(e+1))}W(t){if(this.P)return t.type===x.Sequence&&(this.P=!1,!0);if(!this.U(t))return!0;const e=this.T;return this.T++,e<=this.I?(e===this.I&&this.O(),!1):(this.I=e,this.O(),!0)}F(t){t.sequenceId>this.T?this.R.stop(new Error("Sequence ID greater than amount of messages we've received.")):this.T=t.sequenceId}L(){this.H=!0,this.P=!0}async B(){const t=0!==this.S.length?this.S[0].q:this.k+1;await this.R.send(this.D.writeMessage({type:x.Sequence,sequenceId:t}));const e=this.S;for(const t of e)await this.R.send(t.M);this.H=!1}X(t){null!=t||(t=new Error("Unable to reconnect to server."));for(const e of this.S)e.J(t)}U(t){switch(t.type){case x.Invocation:case x.StreamItem:case x.Completion:case x.StreamInvocation:case x.CancelInvocation:return!0;case x.Close:case x.Sequence:case x.Ping:case x.Ack:return!1}}O(){void 0===this.V&&(this.V=setTimeout(async()=>{try{this.H||await this.R.send(this.D.writeMessage({type:x.Ack,sequenceId:this.I}))}catch{}clearTimeout(this.V),this.V=void 0},1e3))}}class N{constructor(t,e,s,i){this.M=t,this.q=e,this.j=s,this.J=i}}!function(t){t.Disconnected="Disconnected",t.Connecting="Connecting",t.Connected="Connected",t.Disconnecting="Disconnecting",t.Reconnecting="Reconnecting"}(A||(A={}));class q{static create(t,e,s,i,n,r,o){return new q(t,e,s,i,n,r,o)}constructor(t,s,i,n,r,o,h){this.K=0,this.G=()=>{this.u.log(e.Warning,"The page is being frozen, this will likely lead to the connection being closed and messages being lost. For more information see the docs at https://learn.microsoft.com/aspnet/core/signalr/javascript-client#bsleep")},w.isRequired(t,"connection"),w.isRequired(s,"logger"),w.isRequired(i,"protocol"),this.serverTimeoutInMilliseconds=null!=r?r:3e4,this.keepAliveIntervalInMilliseconds=null!=o?o:15e3,this.Y=null!=h?h:1e5,this.u=s,this.D=i,this.connection=t,this.Z=n,this.tt=new R,this.connection.onreceive=t=>this.et(t),this.connection.onclose=t=>this.st(t),this.it={},this.nt={},this.rt=[],this.ot=[],this.ht=[],this.ct=0,this.lt=!1,this.ut=A.Disconnected,this.dt=!1,this.ft=this.D.writeMessage({type:x.Ping})}get state(){return this.ut}get connectionId(){return this.connection&&this.connection.connectionId||null}get baseUrl(){return this.connection.baseUrl||""}set baseUrl(t){if(this.ut!==A.Disconnected&&this.ut!==A.Reconnecting)throw new Error("The HubConnection must be in the Disconnected or Reconnecting state to change the url.");if(!t)throw new Error("The HubConnection url must be a valid url.");this.connection.baseUrl=t}start(){return this.wt=this.gt(),this.wt}async gt(){if(this.ut!==A.Disconnected)return Promise.reject(new Error("Cannot start a HubConnection that is not in the 'Disconnected' state."));this.ut=A.Connecting,this.u.log(e.Debug,"Starting HubConnection.");try{await this.yt(),g.isBrowser&&window.document.addEventListener("freeze",this.G),this.ut=A.Connected,this.dt=!0,this.u.log(e.Debug,"HubConnection connected successfully.")}catch(t){return this.ut=A.Disconnected,this.u.log(e.Debug,`HubConnection failed to start successfully because of error '${t}'.`),Promise.reject(t)}}async yt(){this.vt=void 0,this.lt=!1;const t=new Promise((t,e)=>{this.bt=t,this.Et=e});await this.connection.start(this.D.transferFormat);try{let s=this.D.version;this.connection.features.reconnect||(s=1);const i={protocol:this.D.name,version:s};if(this.u.log(e.Debug,"Sending handshake request."),await this.$t(this.tt.writeHandshakeRequest(i)),this.u.log(e.Information,`Using HubProtocol '${this.D.name}'.`),this.Ct(),this.St(),this.kt(),await t,this.vt)throw this.vt;!!this.connection.features.reconnect&&(this.Pt=new L(this.D,this.connection,this.Y),this.connection.features.disconnected=this.Pt.L.bind(this.Pt),this.connection.features.resend=()=>{if(this.Pt)return this.Pt.B()}),this.connection.features.inherentKeepAlive||await this.$t(this.ft)}catch(t){throw this.u.log(e.Debug,`Hub handshake failed with error '${t}' during start(). Stopping HubConnection.`),this.Ct(),this.Tt(),await this.connection.stop(t),t}}async stop(){const t=this.wt;this.connection.features.reconnect=!1,this.It=this._t(),await this.It;try{await t}catch(t){}}_t(t){if(this.ut===A.Disconnected)return this.u.log(e.Debug,`Call to HubConnection.stop(${t}) ignored because it is already in the disconnected state.`),Promise.resolve();if(this.ut===A.Disconnecting)return this.u.log(e.Debug,`Call to HttpConnection.stop(${t}) ignored because the connection is already in the disconnecting state.`),this.It;const s=this.ut;return this.ut=A.Disconnecting,this.u.log(e.Debug,"Stopping HubConnection."),this.Ht?(this.u.log(e.Debug,"Connection stopped during reconnect delay. Done reconnecting."),clearTimeout(this.Ht),this.Ht=void 0,this.Dt(),Promise.resolve()):(s===A.Connected&&this.Rt(),this.Ct(),this.Tt(),this.vt=t||new r("The connection was stopped before the hub handshake could complete."),this.connection.stop(t))}async Rt(){try{await this.xt(this.At())}catch{}}stream(t,...e){const[s,i]=this.Ut(e),n=this.Lt(t,e,i);let r;const o=new U;return o.cancelCallback=()=>{const t=this.Nt(n.invocationId);return delete this.it[n.invocationId],r.then(()=>this.xt(t))},this.it[n.invocationId]=(t,e)=>{e?o.error(e):t&&(t.type===x.Completion?t.error?o.error(new Error(t.error)):o.complete():o.next(t.item))},r=this.xt(n).catch(t=>{o.error(t),delete this.it[n.invocationId]}),this.qt(s,r),o}$t(t){return this.kt(),this.connection.send(t)}xt(t){return this.Pt?this.Pt.A(t):this.$t(this.D.writeMessage(t))}send(t,...e){const[s,i]=this.Ut(e),n=this.xt(this.Mt(t,e,!0,i));return this.qt(s,n),n}invoke(t,...e){const[s,i]=this.Ut(e),n=this.Mt(t,e,!1,i);return new Promise((t,e)=>{this.it[n.invocationId]=(s,i)=>{i?e(i):s&&(s.type===x.Completion?s.error?e(new Error(s.error)):t(s.result):e(new Error(`Unexpected message type: ${s.type}`)))};const i=this.xt(n).catch(t=>{e(t),delete this.it[n.invocationId]});this.qt(s,i)})}on(t,e){t&&e&&(t=t.toLowerCase(),this.nt[t]||(this.nt[t]=[]),-1===this.nt[t].indexOf(e)&&this.nt[t].push(e))}off(t,e){if(!t)return;t=t.toLowerCase();const s=this.nt[t];if(s)if(e){const i=s.indexOf(e);-1!==i&&(s.splice(i,1),0===s.length&&delete this.nt[t])}else delete this.nt[t]}onclose(t){t&&this.rt.push(t)}onreconnecting(t){t&&this.ot.push(t)}onreconnected(t){t&&this.ht.push(t)}et(t){if(this.Ct(),this.lt||(t=this.jt(t),this.lt=!0),t){const s=this.D.parseMessages(t,this.u);for(const t of s)if(!this.Pt||this.Pt.W(t))switch(t.type){case x.Invocation:this.Wt(t).catch(t=>{this.u.log(e.Error,`Invoke client method threw error: ${P(t)}`)});break;case x.StreamItem:case x.Completion:{const s=this.it[t.invocationId];if(s){t.type===x.Completion&&delete this.it[t.invocationId];try{s(t)}catch(t){this.u.log(e.Error,`Stream callback threw error: ${P(t)}`)}}break}case x.Ping:break;case x.Close:{this.u.log(e.Information,"Close message received from server.");const s=t.error?new Error("Server returned an error on close: "+t.error):void 0;!0===t.allowReconnect?this.connection.stop(s):this.It=this._t(s);break}case x.Ack:this.Pt&&this.Pt.N(t);break;case x.Sequence:this.Pt&&this.Pt.F(t);break;default:this.u.log(e.Warning,`Invalid message type: ${t.type}.`)}}this.St()}jt(t){let s,i;try{[i,s]=this.tt.parseHandshakeResponse(t)}catch(t){const s="Error parsing handshake response: "+t;this.u.log(e.Error,s);const i=new Error(s);throw this.Et(i),i}if(s.error){const t="Server returned handshake error: "+s.error;this.u.log(e.Error,t);const i=new Error(t);throw this.Et(i),i}return this.u.log(e.Debug,"Server handshake complete."),this.bt(),i}kt(){this.connection.features.inherentKeepAlive||(this.K=(new Date).getTime()+this.keepAliveIntervalInMilliseconds,this.Tt())}St(){if(!this.connection.features||!this.connection.features.inherentKeepAlive){this.Ot=setTimeout(()=>this.serverTimeout(),this.serverTimeoutInMilliseconds);let t=this.K-(new Date).getTime();if(t<0)return void(this.ut===A.Connected&&this.Ft());void 0===this.Bt&&(t<0&&(t=0),this.Bt=setTimeout(async()=>{this.ut===A.Connected&&await this.Ft()},t))}}serverTimeout(){this.connection.stop(new Error("Server timeout elapsed without receiving a message from the server."))}async Wt(t){const s=t.target.toLowerCase(),i=this.nt[s];if(!i)return this.u.log(e.Warning,`No client method with the name '${s}' found.`),void(t.invocationId&&(this.u.log(e.Warning,`No result given for '${s}' method and invocation ID '${t.invocationId}'.`),await this.xt(this.Xt(t.invocationId,"Client didn't provide a result.",null))));const n=i.slice(),r=!!t.invocationId;let o,h,c;for(const i of n)try{const n=o;o=await i.apply(this,t.arguments),r&&o&&n&&(this.u.log(e.Error,`Multiple results provided for '${s}'. Sending error to server.`),c=this.Xt(t.invocationId,"Client provided multiple results.",null)),h=void 0}catch(t){h=t,this.u.log(e.Error,`A callback for the method '${s}' threw error '${t}'.`)}c?await this.xt(c):r?(h?c=this.Xt(t.invocationId,`${h}`,null):void 0!==o?c=this.Xt(t.invocationId,null,o):(this.u.log(e.Warning,`No result given for '${s}' method and invocation ID '${t.invocationId}'.`),c=this.Xt(t.invocationId,"Client didn't provide a result.",null)),await this.xt(c)):o&&this.u.log(e.Error,`Result given for '${s}' method but server is not expecting a result.`)}st(t){this.u.log(e.Debug,`HubConnection.connectionClosed(${t}) called while in state ${this.ut}.`),this.vt=this.vt||t||new r("The underlying connection was closed before the hub handshake could complete."),this.bt&&this.bt(),this.Jt(t||new Error("Invocation canceled due to the underlying connection being closed.")),this.Ct(),this.Tt(),this.ut===A.Disconnecting?this.Dt(t):this.ut===A.Connected&&this.Z?this.zt(t):this.ut===A.Connected&&this.Dt(t)}Dt(t){if(this.dt){this.ut=A.Disconnected,this.dt=!1,this.Pt&&(this.Pt.X(null!=t?t:new Error("Connection closed.")),this.Pt=void 0),g.isBrowser&&window.document.removeEventListener("freeze",this.G);try{this.rt.forEach(e=>e.apply(this,[t]))}catch(s){this.u.log(e.Error,`An onclose callback called with error '${t}' threw error '${s}'.`)}}}async zt(t){const s=Date.now();let i=0,n=void 0!==t?t:new Error("Attempting to reconnect due to a unknown error."),r=this.Vt(i,0,n);if(null===r)return this.u.log(e.Debug,"Connection not reconnecting because the IRetryPolicy returned null on the first reconnect attempt."),void this.Dt(t);if(this.ut=A.Reconnecting,t?this.u.log(e.Information,`Connection reconnecting because of error '${t}'.`):this.u.log(e.Information,"Connection reconnecting."),0!==this.ot.length){try{this.ot.forEach(e=>e.apply(this,[t]))}catch(s){this.u.log(e.Error,`An onreconnecting callback called with error '${t}' threw error '${s}'.`)}if(this.ut!==A.Reconnecting)return void this.u.log(e.Debug,"Connection left the reconnecting state in onreconnecting callback. Done reconnecting.")}for(;null!==r;){if(this.u.log(e.Information,`Reconnect attempt number ${i+1} will start in ${r} ms.`),await new Promise(t=>{this.Ht=setTimeout(t,r)}),this.Ht=void 0,this.ut!==A.Reconnecting)return void this.u.log(e.Debug,"Connection left the reconnecting state during reconnect delay. Done reconnecting.");try{if(await this.yt(),this.ut=A.Connected,this.u.log(e.Information,"HubConnection reconnected successfully."),0!==this.ht.length)try{this.ht.forEach(t=>t.apply(this,[this.connection.connectionId]))}catch(t){this.u.log(e.Error,`An onreconnected callback called with connectionId '${this.connection.connectionId}; threw error '${t}'.`)}return}catch(t){if(this.u.log(e.Information,`Reconnect attempt failed because of error '${t}'.`),this.ut!==A.Reconnecting)return this.u.log(e.Debug,`Connection moved to the '${this.ut}' from the reconnecting state during reconnect attempt. Done reconnecting.`),void(this.ut===A.Disconnecting&&this.Dt());i++,n=t instanceof Error?t:new Error(t.toString()),r=this.Vt(i,Date.now()-s,n)}}this.u.log(e.Information,`Reconnect retries have been exhausted after ${Date.now()-s} ms and ${i} failed attempts. Connection disconnecting.`),this.Dt()}Vt(t,s,i){try{return this.Z.nextRetryDelayInMilliseconds({elapsedMilliseconds:s,previousRetryCount:t,retryReason:i})}catch(i){return this.u.log(e.Error,`IRetryPolicy.nextRetryDelayInMilliseconds(${t}, ${s}) threw error '${i}'.`),null}}Jt(t){const s=this.it;this.it={},Object.keys(s).forEach(i=>{const n=s[i];try{n(null,t)}catch(s){this.u.log(e.Error,`Stream 'error' callback called with '${t}' threw error: ${P(s)}`)}})}Tt(){this.Bt&&(clearTimeout(this.Bt),this.Bt=void 0)}Ct(){this.Ot&&clearTimeout(this.Ot)}Mt(t,e,s,i){if(s)return 0!==i.length?{target:t,arguments:e,streamIds:i,type:x.Invocation}:{target:t,arguments:e,type:x.Invocation};{const s=this.ct;return this.ct++,0!==i.length?{target:t,arguments:e,invocationId:s.toString(),streamIds:i,type:x.Invocation}:{target:t,arguments:e,invocationId:s.toString(),type:x.Invocation}}}qt(t,e){if(0!==t.length){e||(e=Promise.resolve());for(const s in t)t[s].subscribe({complete:()=>{e=e.then(()=>this.xt(this.Xt(s)))},error:t=>{let i;i=t instanceof Error?t.message:t&&t.toString?t.toString():"Unknown error",e=e.then(()=>this.xt(this.Xt(s,i)))},next:t=>{e=e.then(()=>this.xt(this.Kt(s,t)))}})}}Ut(t){const e=[],s=[];for(let i=0;i<t.length;i++){const n=t[i];if(this.Gt(n)){const r=this.ct;this.ct++,e[r]=n,s.push(r.toString()),t.splice(i,1)}}return[e,s]}Gt(t){return t&&t.subscribe&&"function"==typeof t.subscribe}Lt(t,e,s){const i=this.ct;return this.ct++,0!==s.length?{target:t,arguments:e,invocationId:i.toString(),streamIds:s,type:x.StreamInvocation}:{target:t,arguments:e,invocationId:i.toString(),type:x.StreamInvocation}}Nt(t){return{invocationId:t,type:x.CancelInvocation}}Kt(t,e){return{invocationId:t,item:e,type:x.StreamItem}}Xt(t,e,s){return e?{error:e,invocationId:t,type:x.Completion}:{invocationId:t,result:s,type:x.Completion}}At(){return{type:x.Close}}async Ft(){try{await this.$t(this.ft)}catch{this.Tt()}}}const M=[0,2e3,1e4,3e4,null];class j{constructor(t){this.Qt=void 0!==t?[...t,null]:M}nextRetryDelayInMilliseconds(t){return this.Qt[t.previousRetryCount]}}class W{}W.Authorization="Authorization",W.Cookie="Cookie";class O extends d{constructor(t,e){super(),this.Yt=t,this.Zt=e}async send(t){let e=!0;this.Zt&&(!this.te||t.url&&t.url.indexOf("/negotiate?")>0)&&(e=!1,this.te=await this.Zt()),this.ee(t);const s=await this.Yt.send(t);return e&&401===s.statusCode&&this.Zt?(this.te=await this.Zt(),this.ee(t),await this.Yt.send(t)):s}ee(t){t.headers||(t.headers={}),this.te?t.headers[W.Authorization]=`Bearer ${this.te}`:this.Zt&&t.headers[W.Authorization]&&delete t.headers[W.Authorization]}getCookieString(t){return this.Yt.getCookieString(t)}}var F,B;!function(t){t[t.None=0]="None",t[t.WebSockets=1]="WebSockets",t[t.ServerSentEvents=2]="ServerSentEvents",t[t.LongPolling=4]="LongPolling"}(F||(F={})),function(t){t[t.Text=1]="Text",t[t.Binary=2]="Binary"}(B||(B={}));class X{constructor(){this.se=!1,this.onabort=null}abort(){this.se||(this.se=!0,this.onabort&&this.onabort())}get signal(){return this}get aborted(){return this.se}}class J{get pollAborted(){return this.ie.aborted}constructor(t,e,s){this.$=t,this.u=e,this.ie=new X,this.ne=s,this.re=!1,this.onreceive=null,this.onclose=null}async connect(t,s){if(w.isRequired(t,"url"),w.isRequired(s,"transferFormat"),w.isIn(s,B,"transferFormat"),this.oe=t,this.u.log(e.Trace,"(LongPolling transport) Connecting."),s===B.Binary&&"undefined"!=typeof XMLHttpRequest&&"string"!=typeof(new XMLHttpRequest).responseType)throw new Error("Binary protocols over XmlHttpRequest not implementing advanced features are not supported.");const[n,r]=$(),o={[n]:r,...this.ne.headers},h={abortSignal:this.ie.signal,headers:o,timeout:1e5,withCredentials:this.ne.withCredentials};s===B.Binary&&(h.responseType="arraybuffer");const c=`${t}&_=${Date.now()}`;this.u.log(e.Trace,`(LongPolling transport) polling: ${c}.`);const a=await this.$.get(c,h);200!==a.statusCode?(this.u.log(e.Error,`(LongPolling transport) Unexpected response code: ${a.statusCode}.`),this.he=new i(a.statusText||"",a.statusCode),this.re=!1):this.re=!0,this.ce=this.ae(this.oe,h)}async ae(t,s){try{for(;this.re;)try{const n=`${t}&_=${Date.now()}`;this.u.log(e.Trace,`(LongPolling transport) polling: ${n}.`);const r=await this.$.get(n,s);204===r.statusCode?(this.u.log(e.Information,"(LongPolling transport) Poll terminated by server."),this.re=!1):200!==r.statusCode?(this.u.log(e.Error,`(LongPolling transport) Unexpected response code: ${r.statusCode}.`),this.he=new i(r.statusText||"",r.statusCode),this.re=!1):r.content?(this.u.log(e.Trace,`(LongPolling transport) data received. ${m(r.content,this.ne.logMessageContent)}.`),this.onreceive&&this.onreceive(r.content)):this.u.log(e.Trace,"(LongPolling transport) Poll timed out, reissuing.")}catch(t){this.re?t instanceof n?this.u.log(e.Trace,"(LongPolling transport) Poll timed out, reissuing."):(this.he=t,this.re=!1):this.u.log(e.Trace,`(LongPolling transport) Poll errored after shutdown: ${t.message}`)}}finally{this.u.log(e.Trace,"(LongPolling transport) Polling complete."),this.pollAborted||this.le()}}async send(t){return this.re?v(this.u,"LongPolling",this.$,this.oe,t,this.ne):Promise.reject(new Error("Cannot send until the transport is connected"))}async stop(){this.u.log(e.Trace,"(LongPolling transport) Stopping polling."),this.re=!1,this.ie.abort();try{await this.ce,this.u.log(e.Trace,`(LongPolling transport) sending DELETE request to ${this.oe}.`);const t={},[s,n]=$();t[s]=n;const r={headers:{...t,...this.ne.headers},timeout:this.ne.timeout,withCredentials:this.ne.withCredentials};let o;try{await this.$.delete(this.oe,r)}catch(t){o=t}o?o instanceof i&&(404===o.statusCode?this.u.log(e.Trace,"(LongPolling transport) A 404 response was returned from sending a DELETE request."):this.u.log(e.Trace,`(LongPolling transport) Error sending a DELETE request: ${o}`)):this.u.log(e.Trace,"(LongPolling transport) DELETE request accepted.")}finally{this.u.log(e.Trace,"(LongPolling transport) Stop finished."),this.le()}}le(){if(this.onclose){let t="(LongPolling transport) Firing onclose event.";this.he&&(t+=" Error: "+this.he),this.u.log(e.Trace,t),this.onclose(this.he)}}}class z{constructor(t,e,s,i){this.$=t,this.te=e,this.u=s,this.ne=i,this.onreceive=null,this.onclose=null}async connect(t,s){return w.isRequired(t,"url"),w.isRequired(s,"transferFormat"),w.isIn(s,B,"transferFormat"),this.u.log(e.Trace,"(SSE transport) Connecting."),this.oe=t,this.te&&(t+=(t.indexOf("?")<0?"?":"&")+`access_token=${encodeURIComponent(this.te)}`),new Promise((i,n)=>{let r,o=!1;if(s===B.Text){if(g.isBrowser||g.isWebWorker)r=new this.ne.EventSource(t,{withCredentials:this.ne.withCredentials});else{const e=this.$.getCookieString(t),s={};s.Cookie=e;const[i,n]=$();s[i]=n,r=new this.ne.EventSource(t,{withCredentials:this.ne.withCredentials,headers:{...s,...this.ne.headers}})}try{r.onmessage=t=>{if(this.onreceive)try{this.u.log(e.Trace,`(SSE transport) data received. ${m(t.data,this.ne.logMessageContent)}.`),this.onreceive(t.data)}catch(t){return void this.ue(t)}},r.onerror=t=>{o?this.ue():n(new Error("EventSource failed to connect. The connection could not be found on the server, either the connection ID is not present on the server, or a proxy is refusing/buffering the connection. If you have multiple servers check that sticky sessions are enabled."))},r.onopen=()=>{this.u.log(e.Information,`SSE connected to ${this.oe}`),this.de=r,o=!0,i()}}catch(t){return void n(t)}}else n(new Error("The Server-Sent Events transport only supports the 'Text' transfer format"))})}async send(t){return this.de?v(this.u,"SSE",this.$,this.oe,t,this.ne):Promise.reject(new Error("Cannot send until the transport is connected"))}stop(){return this.ue(),Promise.resolve()}ue(t){this.de&&(this.de.close(),this.de=void 0,this.onclose&&this.onclose(t))}}class V{constructor(t,e,s,i,n,r){this.u=s,this.Zt=e,this.fe=i,this.pe=n,this.$=t,this.onreceive=null,this.onclose=null,this.we=r}async connect(t,s){let i;return w.isRequired(t,"url"),w.isRequired(s,"transferFormat"),w.isIn(s,B,"transferFormat"),this.u.log(e.Trace,"(WebSockets transport) Connecting."),this.Zt&&(i=await this.Zt()),new Promise((n,r)=>{let o;t=t.replace(/^http/,"ws");const h=this.$.getCookieString(t);let c=!1;if(g.isNode||g.isReactNative){const e={},[s,n]=$();e[s]=n,i&&(e[W.Authorization]=`Bearer ${i}`),h&&(e[W.Cookie]=h),o=new this.pe(t,void 0,{headers:{...e,...this.we}})}else i&&(t+=(t.indexOf("?")<0?"?":"&")+`access_token=${encodeURIComponent(i)}`);o||(o=new this.pe(t)),s===B.Binary&&(o.binaryType="arraybuffer"),o.onopen=s=>{this.u.log(e.Information,`WebSocket connected to ${t}.`),this.ge=o,c=!0,n()},o.onerror=t=>{let s=null;s="undefined"!=typeof ErrorEvent&&t instanceof ErrorEvent?t.error:"There was an error with the transport",this.u.log(e.Information,`(WebSockets transport) ${s}.`)},o.onmessage=t=>{if(this.u.log(e.Trace,`(WebSockets transport) data received. ${m(t.data,this.fe)}.`),this.onreceive)try{this.onreceive(t.data)}catch(t){return void this.ue(t)}},o.onclose=t=>{if(c)this.ue(t);else{let e=null;e="undefined"!=typeof ErrorEvent&&t instanceof ErrorEvent?t.error:"WebSocket failed to connect. The connection could not be found on the server, either the endpoint may not be a SignalR endpoint, the connection ID is not present on the server, or there is a proxy blocking WebSockets. If you have multiple servers check that sticky sessions are enabled.",r(new Error(e))}}})}send(t){return this.ge&&this.ge.readyState===this.pe.OPEN?(this.u.log(e.Trace,`(WebSockets transport) sending data. ${m(t,this.fe)}.`),this.ge.send(t),Promise.resolve()):Promise.reject("WebSocket is not in the OPEN state")}stop(){return this.ge&&this.ue(void 0),Promise.resolve()}ue(t){this.ge&&(this.ge.onclose=()=>{},this.ge.onmessage=()=>{},this.ge.onerror=()=>{},this.ge.close(),this.ge=void 0),this.u.log(e.Trace,"(WebSockets transport) socket closed."),this.onclose&&(!this.me(t)||!1!==t.wasClean&&1e3===t.code?t instanceof Error?this.onclose(t):this.onclose():this.onclose(new Error(`WebSocket closed with status code: ${t.code} (${t.reason||"no reason given"}).`)))}me(t){return t&&"boolean"==typeof t.wasClean&&"number"==typeof t.code}}class K{constructor(t,s={}){var i;if(this.ye=()=>{},this.features={},this.ve=1,w.isRequired(t,"url"),this.u=void 0===(i=s.logger)?new E(e.Information):null===i?f.instance:void 0!==i.log?i:new E(i),this.baseUrl=this.be(t),(s=s||{}).logMessageContent=void 0!==s.logMessageContent&&s.logMessageContent,"boolean"!=typeof s.withCredentials&&void 0!==s.withCredentials)throw new Error("withCredentials option was not a 'boolean' or 'undefined' value");s.withCredentials=void 0===s.withCredentials||s.withCredentials,s.timeout=void 0===s.timeout?1e5:s.timeout;let n=null,r=null;if(g.isNode){const t=require;n=t("ws"),r=t("eventsource")}g.isNode||"undefined"==typeof WebSocket||s.WebSocket?g.isNode&&!s.WebSocket&&n&&(s.WebSocket=n):s.WebSocket=WebSocket,g.isNode||"undefined"==typeof EventSource||s.EventSource?g.isNode&&!s.EventSource&&void 0!==r&&(s.EventSource=r):s.EventSource=EventSource,this.$=new O(s.httpClient||new H(this.u),s.accessTokenFactory),this.ut="Disconnected",this.dt=!1,this.ne=s,this.onreceive=null,this.onclose=null}async start(t){if(t=t||B.Binary,w.isIn(t,B,"transferFormat"),this.u.log(e.Debug,`Starting connection with transfer format '${B[t]}'.`),"Disconnected"!==this.ut)return Promise.reject(new Error("Cannot start an HttpConnection that is not in the 'Disconnected' state."));if(this.ut="Connecting",this.Ee=this.yt(t),await this.Ee,"Disconnecting"===this.ut){const t="Failed to start the HttpConnection before stop() was called.";return this.u.log(e.Error,t),await this.It,Promise.reject(new r(t))}if("Connected"!==this.ut){const t="HttpConnection.startInternal completed gracefully but didn't enter the connection into the connected state!";return this.u.log(e.Error,t),Promise.reject(new r(t))}this.dt=!0}send(t){return"Connected"!==this.ut?Promise.reject(new Error("Cannot send data if the connection is not in the 'Connected' State.")):(this.$e||(this.$e=new G(this.transport)),this.$e.send(t))}async stop(t){return"Disconnected"===this.ut?(this.u.log(e.Debug,`Call to HttpConnection.stop(${t}) ignored because the connection is already in the disconnected state.`),Promise.resolve()):"Disconnecting"===this.ut?(this.u.log(e.Debug,`Call to HttpConnection.stop(${t}) ignored because the connection is already in the disconnecting state.`),this.It):(this.ut="Disconnecting",this.It=new Promise(t=>{this.ye=t}),await this._t(t),void await this.It)}async _t(t){this.Ce=t;try{await this.Ee}catch(t){}if(this.transport){try{await this.transport.stop()}catch(t){this.u.log(e.Error,`HttpConnection.transport.stop() threw error '${t}'.`),this.Se()}this.transport=void 0}else this.u.log(e.Debug,"HttpConnection.transport is undefined in HttpConnection.stop() because start() failed.")}async yt(t){let s=this.baseUrl;this.Zt=this.ne.accessTokenFactory,this.$.Zt=this.Zt;try{if(this.ne.skipNegotiation){if(this.ne.transport!==F.WebSockets)throw new Error("Negotiation can only be skipped when using the WebSocket transport directly.");this.transport=this.ke(F.WebSockets),await this.Pe(s,t)}else{let e=null,i=0;do{if(e=await this.Te(s),"Disconnecting"===this.ut||"Disconnected"===this.ut)throw new r("The connection was stopped during negotiation.");if(e.error)throw new Error(e.error);if(e.ProtocolVersion)throw new Error("Detected a connection attempt to an ASP.NET SignalR Server. This client only supports connecting to an ASP.NET Core SignalR Server. See https://aka.ms/signalr-core-differences for details.");if(e.url&&(s=e.url),e.accessToken){const t=e.accessToken;this.Zt=()=>t,this.$.te=t,this.$.Zt=void 0}i++}while(e.url&&i<100);if(100===i&&e.url)throw new Error("Negotiate redirection limit exceeded.");await this.Ie(s,this.ne.transport,e,t)}this.transport instanceof J&&(this.features.inherentKeepAlive=!0),"Connecting"===this.ut&&(this.u.log(e.Debug,"The HttpConnection connected successfully."),this.ut="Connected")}catch(t){return this.u.log(e.Error,"Failed to start the connection: "+t),this.ut="Disconnected",this.transport=void 0,this.ye(),Promise.reject(t)}}async Te(t){const s={},[n,r]=$();s[n]=r;const o=this._e(t);this.u.log(e.Debug,`Sending negotiation request: ${o}.`);try{const t=await this.$.post(o,{content:"",headers:{...s,...this.ne.headers},timeout:this.ne.timeout,withCredentials:this.ne.withCredentials});if(200!==t.statusCode)return Promise.reject(new Error(`Unexpected status code returned from negotiate '${t.statusCode}'`));const e=JSON.parse(t.content);return(!e.negotiateVersion||e.negotiateVersion<1)&&(e.connectionToken=e.connectionId),e.useStatefulReconnect&&!0!==this.ne.He?Promise.reject(new a("Client didn't negotiate Stateful Reconnect but the server did.")):e}catch(t){let s="Failed to complete negotiation with the server: "+t;return t instanceof i&&404===t.statusCode&&(s+=" Either this is not a SignalR endpoint or there is a proxy blocking the connection."),this.u.log(e.Error,s),Promise.reject(new a(s))}}De(t,e){return e?t+(-1===t.indexOf("?")?"?":"&")+`id=${e}`:t}async Ie(t,s,i,n){let o=this.De(t,i.connectionToken);if(this.Re(s))return this.u.log(e.Debug,"Connection was provided an instance of ITransport, using that directly."),this.transport=s,await this.Pe(o,n),void(this.connectionId=i.connectionId);const h=[],a=i.availableTransports||[];let u=i;for(const i of a){const a=this.xe(i,s,n,!0===(null==u?void 0:u.useStatefulReconnect));if(a instanceof Error)h.push(`${i.transport} failed:`),h.push(a);else if(this.Re(a)){if(this.transport=a,!u){try{u=await this.Te(t)}catch(t){return Promise.reject(t)}o=this.De(t,u.connectionToken)}try{return await this.Pe(o,n),void(this.connectionId=u.connectionId)}catch(t){if(this.u.log(e.Error,`Failed to start the transport '${i.transport}': ${t}`),u=void 0,h.push(new c(`${i.transport} failed: ${t}`,F[i.transport])),"Connecting"!==this.ut){const t="Failed to select transport before stop() was called.";return this.u.log(e.Debug,t),Promise.reject(new r(t))}}}}return h.length>0?Promise.reject(new l(`Unable to connect to the server with any of the available transports. ${h.join(" ")}`,h)):Promise.reject(new Error("None of the transports supported by the client are supported by the server."))}ke(t){switch(t){case F.WebSockets:if(!this.ne.WebSocket)throw new Error("'WebSocket' is not supported in your environment.");return new V(this.$,this.Zt,this.u,this.ne.logMessageContent,this.ne.WebSocket,this.ne.headers||{});case F.ServerSentEvents:if(!this.ne.EventSource)throw new Error("'EventSource' is not supported in your environment.");return new z(this.$,this.$.te,this.u,this.ne);case F.LongPolling:return new J(this.$,this.u,this.ne);default:throw new Error(`Unknown transport: ${t}.`)}}Pe(t,e){return this.transport.onreceive=this.onreceive,this.features.reconnect?this.transport.onclose=async s=>{let i=!1;if(this.features.reconnect){try{this.features.disconnected(),await this.transport.connect(t,e),await this.features.resend()}catch{i=!0}i&&this.Se(s)}else this.Se(s)}:this.transport.onclose=t=>this.Se(t),this.transport.connect(t,e)}xe(t,s,i,n){const r=F[t.transport];if(null==r)return this.u.log(e.Debug,`Skipping transport '${t.transport}' because it is not supported by this client.`),new Error(`Skipping transport '${t.transport}' because it is not supported by this client.`);if(!function(t,e){return!t||0!==(e&t)}(s,r))return this.u.log(e.Debug,`Skipping transport '${F[r]}' because it was disabled by the client.`),new h(`'${F[r]}' is disabled by the client.`,r);if(!(t.transferFormats.map(t=>B[t]).indexOf(i)>=0))return this.u.log(e.Debug,`Skipping transport '${F[r]}' because it does not support the requested transfer format '${B[i]}'.`),new Error(`'${F[r]}' does not support ${B[i]}.`);if(r===F.WebSockets&&!this.ne.WebSocket||r===F.ServerSentEvents&&!this.ne.EventSource)return this.u.log(e.Debug,`Skipping transport '${F[r]}' because it is not supported in your environment.'`),new o(`'${F[r]}' is not supported in your environment.`,r);this.u.log(e.Debug,`Selecting transport '${F[r]}'.`);try{return this.features.reconnect=r===F.WebSockets?n:void 0,this.ke(r)}catch(t){return t}}Re(t){return t&&"object"==typeof t&&"connect"in t}Se(t){if(this.u.log(e.Debug,`HttpConnection.stopConnection(${t}) called while in state ${this.ut}.`),this.transport=void 0,t=this.Ce||t,this.Ce=void 0,"Disconnected"!==this.ut){if("Connecting"===this.ut)throw this.u.log(e.Warning,`Call to HttpConnection.stopConnection(${t}) was ignored because the connection is still in the connecting state.`),new Error(`HttpConnection.stopConnection(${t}) was called while the connection is still in the connecting state.`);if("Disconnecting"===this.ut&&this.ye(),t?this.u.log(e.Error,`Connection disconnected with error '${t}'.`):this.u.log(e.Information,"Connection disconnected."),this.$e&&(this.$e.stop().catch(t=>{this.u.log(e.Error,`TransportSendQueue.stop() threw error '${t}'.`)}),this.$e=void 0),this.connectionId=void 0,this.ut="Disconnected",this.dt){this.dt=!1;try{this.onclose&&this.onclose(t)}catch(s){this.u.log(e.Error,`HttpConnection.onclose(${t}) threw error '${s}'.`)}}}else this.u.log(e.Debug,`Call to HttpConnection.stopConnection(${t}) was ignored because the connection is already in the disconnected state.`)}be(t){if(0===t.lastIndexOf("https://",0)||0===t.lastIndexOf("http://",0))return t;if(!g.isBrowser)throw new Error(`Cannot resolve '${t}'.`);const s=window.document.createElement("a");return s.href=t,this.u.log(e.Information,`Normalizing '${t}' to '${s.href}'.`),s.href}_e(t){const e=new URL(t);e.pathname.endsWith("/")?e.pathname+="negotiate":e.pathname+="/negotiate";const s=new URLSearchParams(e.searchParams);return s.has("negotiateVersion")||s.append("negotiateVersion",this.ve.toString()),s.has("useStatefulReconnect")?"true"===s.get("useStatefulReconnect")&&(this.ne.He=!0):!0===this.ne.He&&s.append("useStatefulReconnect","true"),e.search=s.toString(),e.toString()}}class G{constructor(t){this.Ae=t,this.Ue=[],this.Le=!0,this.Ne=new Q,this.qe=new Q,this.Me=this.je()}send(t){return this.We(t),this.qe||(this.qe=new Q),this.qe.promise}stop(){return this.Le=!1,this.Ne.resolve(),this.Me}We(t){if(this.Ue.length&&typeof this.Ue[0]!=typeof t)throw new Error(`Expected data to be of type ${typeof this.Ue} but was of type ${typeof t}`);this.Ue.push(t),this.Ne.resolve()}async je(){for(;;){if(await this.Ne.promise,!this.Le){this.qe&&this.qe.reject("Connection stopped.");break}this.Ne=new Q;const t=this.qe;this.qe=void 0;const e="string"==typeof this.Ue[0]?this.Ue.join(""):G.Oe(this.Ue);this.Ue.length=0;try{await this.Ae.send(e),t.resolve()}catch(e){t.reject(e)}}}static Oe(t){const e=t.map(t=>t.byteLength).reduce((t,e)=>t+e),s=new Uint8Array(e);let i=0;for(const e of t)s.set(new Uint8Array(e),i),i+=e.byteLength;return s.buffer}}class Q{constructor(){this.promise=new Promise((t,e)=>[this.j,this.Fe]=[t,e])}resolve(){this.j()}reject(t){this.Fe(t)}}class Y{constructor(){this.name="json",this.version=2,this.transferFormat=B.Text}parseMessages(t,s){if("string"!=typeof t)throw new Error("Invalid input for JSON hub protocol. Expected a string.");if(!t)return[];null===s&&(s=f.instance);const i=D.parse(t),n=[];for(const t of i){const i=JSON.parse(t);if("number"!=typeof i.type)throw new Error("Invalid payload.");switch(i.type){case x.Invocation:this.U(i);break;case x.StreamItem:this.Be(i);break;case x.Completion:this.Xe(i);break;case x.Ping:case x.Close:break;case x.Ack:this.Je(i);break;case x.Sequence:this.ze(i);break;default:s.log(e.Information,"Unknown message type '"+i.type+"' ignored.");continue}n.push(i)}return n}writeMessage(t){return D.write(JSON.stringify(t))}U(t){this.Ve(t.target,"Invalid payload for Invocation message."),void 0!==t.invocationId&&this.Ve(t.invocationId,"Invalid payload for Invocation message.")}Be(t){if(this.Ve(t.invocationId,"Invalid payload for StreamItem message."),void 0===t.item)throw new Error("Invalid payload for StreamItem message.")}Xe(t){if(t.result&&t.error)throw new Error("Invalid payload for Completion message.");!t.result&&t.error&&this.Ve(t.error,"Invalid payload for Completion message."),this.Ve(t.invocationId,"Invalid payload for Completion message.")}Je(t){if("number"!=typeof t.sequenceId)throw new Error("Invalid SequenceId for Ack message.")}ze(t){if("number"!=typeof t.sequenceId)throw new Error("Invalid SequenceId for Sequence message.")}Ve(t,e){if("string"!=typeof t||""===t)throw new Error(e)}}const Z={trace:e.Trace,debug:e.Debug,info:e.Information,information:e.Information,warn:e.Warning,warning:e.Warning,error:e.Error,critical:e.Critical,none:e.None};class tt{configureLogging(t){if(w.isRequired(t,"logging"),void 0!==t.log)this.logger=t;else if("string"==typeof t){const e=function(t){const e=Z[t.toLowerCase()];if(void 0!==e)return e;throw new Error(`Unknown log level: ${t}`)}(t);this.logger=new E(e)}else this.logger=new E(t);return this}withUrl(t,e){return w.isRequired(t,"url"),w.isNotEmpty(t,"url"),this.url=t,this.httpConnectionOptions="object"==typeof e?{...this.httpConnectionOptions,...e}:{...this.httpConnectionOptions,transport:e},this}withHubProtocol(t){return w.isRequired(t,"protocol"),this.protocol=t,this}withAutomaticReconnect(t){if(this.reconnectPolicy)throw new Error("A reconnectPolicy has already been set.");return t?Array.isArray(t)?this.reconnectPolicy=new j(t):this.reconnectPolicy=t:this.reconnectPolicy=new j,this}withServerTimeout(t){return w.isRequired(t,"milliseconds"),this.Ke=t,this}withKeepAliveInterval(t){return w.isRequired(t,"milliseconds"),this.Ge=t,this}withStatefulReconnect(t){return void 0===this.httpConnectionOptions&&(this.httpConnectionOptions={}),this.httpConnectionOptions.He=!0,this.Y=null==t?void 0:t.bufferSize,this}build(){const t=this.httpConnectionOptions||{};if(void 0===t.logger&&(t.logger=this.logger),!this.url)throw new Error("The 'HubConnectionBuilder.withUrl' method must be called before building the connection.");const e=new K(this.url,t);return q.create(e,this.logger||f.instance,this.protocol||new Y,this.reconnectPolicy,this.Ke,this.Ge,this.Y)}}return Uint8Array.prototype.indexOf||Object.defineProperty(Uint8Array.prototype,"indexOf",{value:Array.prototype.indexOf,writable:!0}),Uint8Array.prototype.slice||Object.defineProperty(Uint8Array.prototype,"slice",{value:function(t,e){return new Uint8Array(Array.prototype.slice.call(this,t,e))},writable:!0}),Uint8Array.prototype.forEach||Object.defineProperty(Uint8Array.prototype,"forEach",{value:Array.prototype.forEach,writable:!0}),s})(),"object"==typeof exports&&"object"==typeof module?module.exports=e():"function"==typeof define&&define.amd?define([],e):"object"==typeof exports?exports.signalR=e():t.signalR=e();
  return module.exports;
})();
// Hub real-time client: a thin layer over the official @microsoft/signalr package that gives you every
// sequenced event of your stream exactly once and in order, across dropped connections.
//
//   import { connectHub } from "./hub-client.mjs";
//   const hub = await connectHub({
//     url: "https://hub.example.com/hubs/client",          // or /hubs/agent for members
//     accessTokenFactory: () => fetchTokenFromMyBackend(),   // called on every (re)connect
//     onEvent: (e) => console.log(e.event, e.seq, e.data),   // sequenced and ephemeral events
//     onResync: (r) => reloadFromRest(),                     // too far behind: reload state
//   });
//   await hub.send("Hello!");
//
// How it works (see README.md, "Reconnect with resume"):
//  - One WebSocket (no negotiate round trip), reconnected automatically with backoff, forever by default.
//  - Sequenced events (message.received, message.updated, conversation.updated, notification.push,
//    inbox.sla.*) arrive as {stream, seq, event, at, data}. Per stream the client keeps the last seq it
//    delivered: an event with seq <= last is a duplicate and dropped; one that arrives early is held
//    until the gap before it fills.
//  - After the first connect and after every reconnect it calls `stream.resume {afterSeq: last}`; Hub
//    sends every missed event, in order, then answers. A gap that does not fill by itself within
//    `gapTimeoutMs` triggers a resume too.
//  - `stream.resync` (more than the server keeps were missed) calls `onResync`: reload state over
//    REST; the client then continues from the stream's current seq.
//  - With `storage` (anything with getItem/setItem, e.g. localStorage) the last seq survives a page
//    reload or a process restart, so the next session resumes where this one stopped.


/** Server → client events that carry {stream, seq, event, at, data} and are replayed on resume. */
const SEQUENCED_EVENTS = Object.freeze([
  "message.received",
  "message.updated",
  "conversation.updated",
  "notification.push",
  "inbox.sla.warning",
  "inbox.sla.breach",
]);

/** Server → client events that arrive as their data, are never stored and never replayed. */
const EPHEMERAL_EVENTS = Object.freeze(["typing.indicator", "presence.changed", "conversation.viewers"]);

/** The server telling a client it is too far behind: {stream, oldestAvailableSeq, lastSeq}. */
const RESYNC_EVENT = "stream.resync";

/** Error codes Hub puts at the start of a hub error's message. */
const HUB_ERROR_CODES = Object.freeze(["not_found", "payload_too_large", "invalid", "rate_limited", "forbidden"]);

/** Default reconnect delays (ms); the last one repeats until `maxReconnectAttempts` (default: never give up). */
const DEFAULT_RECONNECT_DELAYS = Object.freeze([0, 500, 1000, 2000, 5000, 10000, 30000]);

const noop = () => {};

/**
 * Delivers sequenced events of any number of streams exactly once and in order. Pure logic with no
 * network: `connectHub` feeds it, and you can use it on its own with another transport.
 */
class StreamSequencer {
  /**
   * @param {object} options
   * @param {(event: object) => void} options.deliver  called once per event, in seq order per stream
   * @param {(stream: string) => number} [options.initialSeq]  the last seq already seen of a stream new to this sequencer
   * @param {(stream: string, lastSeq: number) => void} [options.onAdvance]  after the last seq of a stream moved
   */
  constructor({ deliver, initialSeq = () => 0, onAdvance = noop }) {
    this._deliver = deliver;
    this._initialSeq = initialSeq;
    this._onAdvance = onAdvance;
    /** @type {Map<string, {last: number, pending: Map<number, object>}>} */
    this._streams = new Map();
  }

  _state(stream) {
    let state = this._streams.get(stream);
    if (!state) {
      state = { last: Number(this._initialSeq(stream)) || 0, pending: new Map() };
      this._streams.set(stream, state);
    }
    return state;
  }

  /** The last seq delivered (or skipped by a resync) of `stream`. */
  lastSeq(stream) {
    return this._state(stream).last;
  }

  /** Every stream seen so far and its last seq. */
  snapshot() {
    return Object.fromEntries([...this._streams].map(([stream, s]) => [stream, s.last]));
  }

  /** Whether any stream holds events that wait for an earlier one. */
  hasGap(stream) {
    if (stream !== undefined) return this._state(stream).pending.size > 0;
    for (const s of this._streams.values()) if (s.pending.size > 0) return true;
    return false;
  }

  /**
   * Takes one sequenced event. Returns "delivered" (it and possibly held ones went out), "duplicate"
   * (already had it: dropped) or "held" (it came early: kept until the gap before it fills).
   */
  accept(event) {
    const seq = Number(event.seq);
    if (!event.stream || !Number.isSafeInteger(seq) || seq < 1) {
      throw new TypeError(`Not a sequenced event: ${JSON.stringify(event)}`);
    }
    const state = this._state(event.stream);
    if (seq <= state.last || state.pending.has(seq)) return "duplicate";
    state.pending.set(seq, event);
    if (seq !== state.last + 1) return "held";
    this._flush(event.stream, state);
    return "delivered";
  }

  /**
   * Jumps a stream forward to `seq` without delivering what lies between (after a resync the
   * application reloads that state over REST). Held events after `seq` are then delivered.
   */
  skipTo(stream, seq) {
    const state = this._state(stream);
    if (seq > state.last) {
      state.last = seq;
      for (const held of [...state.pending.keys()]) if (held <= seq) state.pending.delete(held);
      this._onAdvance(stream, state.last);
    }
    this._flush(stream, state);
  }

  /** Starts a stream over at `seq` (its server-side store was reset): held events are dropped. */
  reset(stream, seq) {
    const state = this._state(stream);
    state.last = seq;
    state.pending.clear();
    this._onAdvance(stream, state.last);
  }

  _flush(stream, state) {
    let moved = false;
    while (state.pending.has(state.last + 1)) {
      const next = state.pending.get(state.last + 1);
      state.pending.delete(state.last + 1);
      state.last += 1;
      moved = true;
      this._deliver(next);
    }
    if (moved) this._onAdvance(stream, state.last);
  }
}

/** Reads the code (`not_found`, `rate_limited`…) out of a hub error, or null. */
function hubErrorCode(error) {
  const message = String(error?.message ?? error ?? "");
  return HUB_ERROR_CODES.find((code) => message.includes(`${code}:`)) ?? null;
}

function retryPolicy(delays, maxAttempts) {
  return {
    nextRetryDelayInMilliseconds({ previousRetryCount }) {
      if (previousRetryCount >= maxAttempts) return null; // give up: onClose fires
      const base = delays[Math.min(previousRetryCount, delays.length - 1)];
      return base === 0 ? 0 : Math.round(base * (0.8 + Math.random() * 0.4)); // ±20 % jitter
    },
  };
}

function readStored(storage, key) {
  if (!storage) return null;
  try {
    const raw = storage.getItem(key);
    if (raw == null) return null;
    const value = JSON.parse(raw);
    return value && typeof value.stream === "string" && Number.isSafeInteger(value.lastSeq) ? value : null;
  } catch {
    return null;
  }
}

/**
 * Connects to a Hub hub (`/hubs/client` for end users, `/hubs/agent` for members) and returns a
 * {@link HubClient} once connected and caught up.
 *
 * @param {object} options
 * @param {string} options.url  the hub's URL, e.g. `https://hub.example.com/hubs/client`
 * @param {() => string | Promise<string>} options.accessTokenFactory  returns a valid token; called on
 *   every connect and reconnect, so hand out a fresh short-lived end-user token from your backend
 * @param {(event: {event: string, data: any, stream: string|null, seq: number|null, at: string|null}) => void} [options.onEvent]
 *   every event: sequenced ones exactly once and in order per stream; ephemeral ones (typing,
 *   presence, viewers) as they come, with `stream` and `seq` null
 * @param {(resync: {stream: string, oldestAvailableSeq: number, lastSeq: number}) => void | Promise<void>} [options.onResync]
 *   too far behind to replay: reload state over REST. The client continues after `lastSeq`.
 * @param {number} [options.lastSeq]  the last seq this client already has (0 = replay everything the
 *   stream keeps). Default: what `storage` remembers, else 0.
 * @param {{getItem(key: string): string|null, setItem(key: string, value: string): void}} [options.storage]
 *   where to remember the last seq (e.g. `localStorage`); written after every delivered event
 * @param {string} [options.storageKey]  key in `storage`; use one per signed-in user. Default `hub:lastSeq:<url>`.
 * @param {(state: "connected"|"reconnecting"|"reconnected"|"closed", error?: Error) => void} [options.onStateChange]
 * @param {(result: {stream: string, lastSeq: number, replayed: number, resyncRequired: boolean}) => void} [options.onResumed]
 *   after each catch-up (first connect, every reconnect, a gap): the server's answer to `stream.resume`
 * @param {(error: Error) => void} [options.onError]  a failed resume or a throwing `onEvent`
 * @param {number[]} [options.reconnectDelays]  backoff in ms; the last value repeats
 * @param {number} [options.maxReconnectAttempts]  default Infinity
 * @param {number} [options.gapTimeoutMs]  how long an early event may wait for the gap to fill by
 *   itself before a resume is asked for (default 500)
 * @param {signalR.LogLevel} [options.logLevel]  default Warning
 * @param {object} [options.connectionOptions]  extra `withUrl` options of @microsoft/signalr (headers,
 *   a `WebSocket` constructor, `skipNegotiation: false` with other transports…)
 * @returns {Promise<HubClient>}
 */
async function connectHub(options) {
  const client = new HubClient(options);
  await client.start();
  return client;
}

/** A connection to one of Hub's hubs with gap-free delivery. Build it with {@link connectHub}. */
class HubClient {
  constructor({
    url,
    accessTokenFactory,
    onEvent = noop,
    onResync = noop,
    lastSeq,
    storage,
    storageKey,
    onStateChange = noop,
    onResumed = noop,
    onError = (error) => console.error("[hub-client]", error),
    reconnectDelays = DEFAULT_RECONNECT_DELAYS,
    maxReconnectAttempts = Infinity,
    gapTimeoutMs = 500,
    logLevel = signalR.LogLevel.Warning,
    connectionOptions = {},
  }) {
    if (!url) throw new TypeError("connectHub: url is required");
    if (typeof accessTokenFactory !== "function") throw new TypeError("connectHub: accessTokenFactory must be a function");
    this.url = url;
    this._onEvent = onEvent;
    this._onResync = onResync;
    this._onStateChange = onStateChange;
    this._onResumed = onResumed;
    this._onError = onError;
    this._storage = storage ?? null;
    this._storageKey = storageKey ?? `hub:lastSeq:${url}`;
    this._gapTimeoutMs = gapTimeoutMs;
    this._gapTimer = null;
    this._resuming = null; // the running resume, if any
    this._resumeAgain = false;
    this._resyncing = false;
    this._resyncDone = Promise.resolve();
    this._presence = null;
    this._stopped = false;
    this._listeners = new Map(); // event name → Set of handlers

    // The last seq we start from: explicit, else remembered, else 0 (everything the stream keeps).
    const stored = readStored(this._storage, this._storageKey);
    this._initial = Number.isSafeInteger(lastSeq)
      ? { stream: null, seq: lastSeq }
      : stored
        ? { stream: stored.stream, seq: stored.lastSeq }
        : { stream: null, seq: 0 };
    /** The stream this connection follows (`user:…` or `ws:…`), known after the first resume. */
    this.stream = this._initial.stream;

    this.sequencer = new StreamSequencer({
      // A new stream starts from the given/remembered seq if it is the one we remember (or we know none).
      initialSeq: (stream) => (this._initial.stream === null || this._initial.stream === stream ? this._initial.seq : 0),
      deliver: (event) => this._emit(event),
      onAdvance: (stream, last) => this._remember(stream, last),
    });

    this.connection = new signalR.HubConnectionBuilder()
      .withUrl(url, {
        transport: signalR.HttpTransportType.WebSockets,
        skipNegotiation: true,
        accessTokenFactory,
        ...connectionOptions,
      })
      .withAutomaticReconnect(retryPolicy(reconnectDelays, maxReconnectAttempts))
      .configureLogging(logLevel)
      .build();

    for (const name of SEQUENCED_EVENTS) {
      this.connection.on(name, (envelope) => {
        this._sequenced(name, envelope);
      });
    }
    for (const name of EPHEMERAL_EVENTS) {
      this.connection.on(name, (data) => {
        this._emit({ event: name, data, stream: null, seq: null, at: null });
      });
    }
    this.connection.on(RESYNC_EVENT, (resync) => {
      this._resync(resync); // returns nothing: SignalR would take a value for a client result
    });

    this.connection.onreconnecting((error) => {
      this._clearGapTimer();
      this._onStateChange("reconnecting", error);
    });
    this.connection.onreconnected(() => {
      this._onStateChange("reconnected");
      // A new server-side connection: fetch whatever happened while we were away.
      this.resume().catch((error) => this._onError(error));
      // It starts "online": tell it again if this client had said otherwise.
      if (this._presence && this._presence !== "online") {
        this.invoke("presence.update", { status: this._presence }).catch((error) => this._onError(error));
      }
    });
    this.connection.onclose((error) => {
      this._clearGapTimer();
      this._onStateChange("closed", error);
    });
  }

  /** Connects, then catches up from the last seq (`stream.resume`). Rejects if the first connect fails (bad token…). */
  async start() {
    this._stopped = false;
    await this.connection.start();
    this._onStateChange("connected");
    try {
      await this.resume();
    } catch (error) {
      // Dropped right after connecting: the reconnect will resume. Anything else is the caller's to see.
      if (this.connection.state === signalR.HubConnectionState.Reconnecting) {
        this._onError(error);
        return this;
      }
      await this.connection.stop().catch(() => {});
      throw error;
    }
    return this;
  }

  /** Closes the connection for good (no reconnect). */
  async stop() {
    this._stopped = true;
    this._clearGapTimer();
    await this.connection.stop();
  }

  /** "Connected", "Reconnecting", "Disconnected"… (signalR.HubConnectionState). */
  get state() {
    return this.connection.state;
  }

  /** The last seq delivered of this connection's stream (or of `stream`). */
  lastSeq(stream = this.stream) {
    return stream ? this.sequencer.lastSeq(stream) : this._initial.seq;
  }

  /**
   * Asks Hub for every event after our last seq; they are delivered (in order, without duplicates)
   * before this resolves with `{stream, lastSeq, replayed, resyncRequired}`. Concurrent calls share
   * one round trip, plus one more if a call came in while it ran.
   */
  resume() {
    if (this._resuming) {
      this._resumeAgain = true;
      return this._resuming;
    }
    this._clearGapTimer();
    this._resuming = (async () => {
      let result;
      let attempts = 0;
      try {
        do {
          this._resumeAgain = false;
          const afterSeq = this.lastSeq();
          result = await this.connection.invoke("stream.resume", { afterSeq });
          const known = this.stream;
          this.stream = result.stream;
          if (known !== null && known !== result.stream) {
            // Not the stream we remembered (another user signed in with this storage key): start over on this one.
            this._resumeAgain = true;
            continue;
          }
          if (result.resyncRequired) {
            // stream.resync came before this answer: let its handling (onResync) finish first.
            await this._resyncDone;
          } else if (result.lastSeq < afterSeq) {
            // The server's stream is behind what we have (its store was reset): nothing we hold is valid.
            await this._handleResync({ stream: result.stream, oldestAvailableSeq: 0, lastSeq: result.lastSeq }, true);
          } else if (this.sequencer.lastSeq(result.stream) < result.lastSeq) {
            // The replay came before the answer; still short of the server's last seq? Ask again, a few times at most.
            this._resumeAgain = true;
          }
        } while (this._resumeAgain && ++attempts < 5 && !this._stopped);
        if (this.stream && this.sequencer.lastSeq(this.stream) < result.lastSeq && !result.resyncRequired) {
          this._onError(new Error(`stream.resume left ${this.stream} at seq ${this.sequencer.lastSeq(this.stream)} of ${result.lastSeq}`));
        }
        try {
          this._onResumed(result);
        } catch (error) {
          this._onError(error);
        }
        return result;
      } finally {
        this._resuming = null;
        const again = this._resumeAgain;
        this._resumeAgain = false;
        if (again && !this._stopped && this.connection.state === signalR.HubConnectionState.Connected) {
          // Someone asked for a resume while this one failed or ran out of attempts: one more.
          this.resume().catch((error) => this._onError(error));
        } else if (this.sequencer.hasGap()) {
          this._armGapTimer();
        }
      }
    })();
    return this._resuming;
  }

  /**
   * Subscribes to one event by name (`message.received`, `typing.indicator`…). The handler gets
   * `(data, event)`; sequenced events come here exactly once and in order, like `onEvent`.
   * Returns a function that unsubscribes.
   */
  on(name, handler) {
    if (!this._listeners.has(name)) this._listeners.set(name, new Set());
    this._listeners.get(name).add(handler);
    return () => this._listeners.get(name)?.delete(handler);
  }

  /** Calls any hub method by its wire name and returns its answer. Hub errors reject with `.code` set. */
  async invoke(method, argument) {
    try {
      return argument === undefined ? await this.connection.invoke(method) : await this.connection.invoke(method, argument);
    } catch (error) {
      if (error && typeof error === "object") error.code = hubErrorCode(error);
      throw error;
    }
  }

  // ---- helpers for the hub methods ----

  /**
   * `message.send`: sends a chat message. End users may leave out `conversationId` (their open chat
   * conversation is used or opened). Resolves to `{conversationId, messageId, seq}`.
   */
  send(content, conversationId = null) {
    return this.invoke("message.send", { conversationId, content });
  }

  /** `message.read`: a read receipt for the other side's messages up to and including `messageId`. Resolves to how many turned read. */
  read(conversationId, messageId) {
    return this.invoke("message.read", { conversationId, messageId });
  }

  /** `typing.start`: call it while the user types (Hub debounces, and turns it off after a few seconds without a refresh). */
  typingStart(conversationId) {
    return this.invoke("typing.start", { conversationId });
  }

  /** `typing.stop`. */
  typingStop(conversationId) {
    return this.invoke("typing.stop", { conversationId });
  }

  /**
   * `presence.update`: "online", "away" or "offline" for this connection; resolves to the person's overall
   * status. Kept across reconnects.
   */
  setPresence(status) {
    this._presence = status; // re-applied after a reconnect (a new connection starts online)
    return this.invoke("presence.update", { status });
  }

  /** `notification.ack` (end users): the user "opened" or "clicked" a push notification. */
  ack(notificationId, action) {
    return this.invoke("notification.ack", { notificationId, action });
  }

  /** `notification.list` (end users): `{items, unreadCount}`, newest first. */
  listNotifications({ unreadOnly = false, limit = 50 } = {}) {
    return this.invoke("notification.list", { unreadOnly, limit });
  }

  /** `notification.read` (end users): marks one notification, or with no id all, read; resolves to the unread count. */
  markNotificationRead(notificationId = null) {
    return this.invoke("notification.read", { notificationId });
  }

  /** `conversation.view` (agents): resolves to the viewers, and everyone gets `conversation.viewers`. */
  viewConversation(conversationId) {
    return this.invoke("conversation.view", { conversationId });
  }

  /** `conversation.leave` (agents). */
  leaveConversation(conversationId) {
    return this.invoke("conversation.leave", { conversationId });
  }

  // ---- internals ----

  _sequenced(name, envelope) {
    if (!envelope || typeof envelope !== "object" || !envelope.stream || envelope.seq == null) {
      this._onError(new Error(`${name} arrived without a stream and seq`));
      return;
    }
    const event = { event: envelope.event ?? name, data: envelope.data, stream: envelope.stream, seq: Number(envelope.seq), at: envelope.at ?? null };
    this.sequencer.accept(event);
    if (this.sequencer.hasGap()) {
      // Wait a little: the missing one may be on its way (a replay in progress, or two events raced on the server).
      if (!this._resuming) this._armGapTimer();
    } else {
      this._clearGapTimer();
    }
  }

  _resync(resync) {
    this._resyncDone = this._handleResync(resync, false);
  }

  async _handleResync(resync, reset) {
    this._resyncing = true;
    this._clearGapTimer();
    try {
      await this._onResync(resync);
    } catch (error) {
      this._onError(error);
    } finally {
      this._resyncing = false;
    }
    // The application reloaded over REST: continue after the stream's last seq.
    if (reset) this.sequencer.reset(resync.stream, Number(resync.lastSeq));
    else this.sequencer.skipTo(resync.stream, Number(resync.lastSeq));
    if (this.sequencer.hasGap()) this._armGapTimer();
  }

  _emit(event) {
    try {
      this._onEvent(event);
    } catch (error) {
      this._onError(error);
    }
    for (const handler of this._listeners.get(event.event) ?? []) {
      try {
        handler(event.data, event);
      } catch (error) {
        this._onError(error);
      }
    }
  }

  _remember(stream, lastSeq) {
    if (!this._storage || (this.stream !== null && stream !== this.stream)) return;
    try {
      this._storage.setItem(this._storageKey, JSON.stringify({ stream, lastSeq }));
    } catch (error) {
      this._onError(error);
    }
  }

  _armGapTimer() {
    if (this._gapTimer || this._stopped || this._resyncing) return;
    this._gapTimer = setTimeout(() => {
      this._gapTimer = null;
      if (this.sequencer.hasGap() && this.connection.state === signalR.HubConnectionState.Connected) {
        this.resume().catch((error) => this._onError(error));
      }
    }, this._gapTimeoutMs);
    this._gapTimer.unref?.();
  }

  _clearGapTimer() {
    if (this._gapTimer) clearTimeout(this._gapTimer);
    this._gapTimer = null;
  }
}


// Hub web chat widget: one script tag on a customer's site.
//
//   <script src="https://hub.example/widget.js" data-hub-key="WIDGET_KEY" async></script>
//
// Optional attributes: data-prechat="true" (ask for name and email before the first message),
// data-title="Chat with us", data-color="#2563eb", data-position="left".
// Runs inside the bundle made by build.mjs: `signalR` and `HubClient` (clients/js/hub-client.mjs) are in scope.

var script = document.currentScript || document.querySelector("script[data-hub-key]");
var config = {
  key: script && script.getAttribute("data-hub-key"),
  base: script && script.src ? new URL(script.src, location.href).origin : location.origin,
  prechat: !!script && /^(true|1|yes)$/i.test(script.getAttribute("data-prechat") || ""),
  title: (script && script.getAttribute("data-title")) || "Chat with us",
  color: (script && script.getAttribute("data-color")) || "#2563eb",
  left: !!script && script.getAttribute("data-position") === "left",
};

var STORE = "hub-widget:" + config.key;
var MAX_KEPT = 200;

function loadState() {
  try {
    var s = JSON.parse(localStorage.getItem(STORE) || "null");
    if (s && typeof s === "object") return s;
  } catch (e) { /* private mode or garbage: start over */ }
  return {};
}

var state = Object.assign({ visitorId: null, conversationId: null, profileDone: false, messages: [], open: false }, loadState());

function saveState() {
  try {
    state.messages = state.messages.slice(-MAX_KEPT);
    localStorage.setItem(STORE, JSON.stringify(state));
  } catch (e) { /* quota: the chat still works, it just won't survive a reload */ }
}

// ---- session: a short-lived end-user token from Hub, for this visitor ----

var session = null; // {token, visitor_id, expires_at, hub_url}

function openSession(profile) {
  var body = { widget_key: config.key, visitor_id: state.visitorId || undefined };
  if (profile) { body.name = profile.name || undefined; body.email = profile.email || undefined; }
  return fetch(config.base + "/api/v1/widget/sessions", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  }).then(function (r) {
    return r.json().catch(function () { return {}; }).then(function (json) {
      if (!r.ok) {
        var err = new Error((json && (json.detail || json.title)) || "HTTP " + r.status);
        err.status = r.status;
        err.errors = json && json.errors;
        throw err;
      }
      return json;
    });
  }).then(function (json) {
    session = json;
    if (state.visitorId !== json.visitor_id) {
      state.visitorId = json.visitor_id;
      saveState();
    }
    return json;
  });
}

function token() {
  // Called by SignalR on every (re)connect: reuse the token while it has a minute left.
  if (session && Date.parse(session.expires_at) - Date.now() > 60000) return Promise.resolve(session.token);
  return openSession().then(function (s) { return s.token; });
}

// ---- DOM (in a shadow root, so the host page's CSS and ours stay apart) ----

var host = document.createElement("div");
host.setAttribute("data-hub-widget", "");
var root = host.attachShadow({ mode: "open" });
var side = config.left ? "left" : "right";
root.innerHTML =
  "<style>" +
  ":host{all:initial}" +
  "[hidden]{display:none!important}" +
  "*{box-sizing:border-box;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}" +
  ".launcher{position:fixed;bottom:20px;" + side + ":20px;width:56px;height:56px;border-radius:50%;border:0;background:var(--c);color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);z-index:2147483000;display:flex;align-items:center;justify-content:center}" +
  ".launcher:focus-visible,button:focus-visible,input:focus-visible,textarea:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}" +
  ".badge{position:absolute;top:-2px;right:-2px;min-width:20px;height:20px;border-radius:10px;background:#dc2626;color:#fff;font-size:12px;line-height:20px;text-align:center;padding:0 5px}" +
  ".panel{position:fixed;bottom:88px;" + side + ":20px;width:360px;max-width:calc(100vw - 40px);height:520px;max-height:calc(100vh - 110px);background:#fff;border-radius:14px;box-shadow:0 10px 40px rgba(0,0,0,.25);display:flex;flex-direction:column;overflow:hidden;z-index:2147483000;color:#111827}" +
  ".panel[hidden]{display:none}" +
  "header{background:var(--c);color:#fff;padding:14px 16px;display:flex;align-items:center;justify-content:space-between}" +
  "header h2{margin:0;font-size:16px;font-weight:600}" +
  "header button{background:transparent;border:0;color:#fff;font-size:22px;line-height:1;cursor:pointer;border-radius:6px;padding:2px 8px}" +
  ".status{font-size:12px;background:#fef3c7;color:#92400e;padding:4px 12px}" +
  ".status[hidden]{display:none}" +
  ".log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:6px;background:#f9fafb;list-style:none;margin:0}" +
  ".msg{max-width:80%;padding:8px 12px;border-radius:14px;font-size:14px;line-height:1.4;white-space:pre-wrap;word-wrap:break-word}" +
  ".msg.agent{align-self:flex-start;background:#e5e7eb;color:#111827;border-bottom-left-radius:4px}" +
  ".msg.visitor{align-self:flex-end;background:var(--c);color:#fff;border-bottom-right-radius:4px}" +
  ".meta{display:block;font-size:11px;opacity:.8;margin-top:2px;text-align:right}" +
  ".tick.read{color:#a7f3d0;font-weight:700}" +
  ".msg.failed{background:#fee2e2;color:#991b1b}" +
  ".typing{font-size:12px;color:#6b7280;padding:2px 14px 6px;min-height:20px;background:#f9fafb}" +
  ".empty{color:#6b7280;font-size:13px;text-align:center;margin:auto}" +
  "form.compose{display:flex;gap:8px;padding:10px;border-top:1px solid #e5e7eb}" +
  "form.compose textarea{flex:1;resize:none;border:1px solid #d1d5db;border-radius:10px;padding:8px 10px;font-size:14px;height:40px}" +
  "form button[type=submit]{background:var(--c);color:#fff;border:0;border-radius:10px;padding:0 14px;font-size:14px;cursor:pointer}" +
  "form.prechat{padding:16px;display:flex;flex-direction:column;gap:10px;flex:1}" +
  "form.prechat label{font-size:13px;display:flex;flex-direction:column;gap:4px}" +
  "form.prechat input{border:1px solid #d1d5db;border-radius:8px;padding:8px 10px;font-size:14px}" +
  "form.prechat button[type=submit]{padding:10px}" +
  ".error{color:#b91c1c;font-size:12px;min-height:16px}" +
  ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}" +
  "</style>" +
  "<button class='launcher' type='button' aria-haspopup='dialog' aria-expanded='false' aria-controls='hub-panel' aria-label='Open chat'>" +
  "<svg width='26' height='26' viewBox='0 0 24 24' fill='currentColor' aria-hidden='true'><path d='M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z'/></svg>" +
  "<span class='badge' hidden></span></button>" +
  "<section class='panel' id='hub-panel' role='dialog' aria-modal='false' aria-labelledby='hub-title' hidden>" +
  "<header><h2 id='hub-title'></h2><button type='button' class='close' aria-label='Close chat'>×</button></header>" +
  "<div class='status' role='status' hidden></div>" +
  "<form class='prechat' hidden novalidate>" +
  "<p style='margin:0;font-size:14px'>Tell us who you are, and we'll get back to you here.</p>" +
  "<label>Name<input name='name' autocomplete='name' maxlength='200'></label>" +
  "<label>Email<input name='email' type='email' autocomplete='email' maxlength='320'></label>" +
  "<div class='error' role='alert'></div>" +
  "<button type='submit'>Start chat</button></form>" +
  "<ol class='log' aria-live='polite' aria-label='Messages'></ol>" +
  "<div class='typing' aria-live='polite'></div>" +
  "<form class='compose'><label class='sr' for='hub-input'>Message</label>" +
  "<textarea id='hub-input' rows='1' placeholder='Type a message…' maxlength='32000'></textarea>" +
  "<button type='submit' aria-label='Send message'>Send</button></form>" +
  "</section>";
root.host.style.setProperty("--c", config.color);

var $ = function (sel) { return root.querySelector(sel); };
var launcher = $(".launcher"), badge = $(".badge"), panel = $(".panel"), closeBtn = $(".close"), statusBar = $(".status");
var prechat = $("form.prechat"), log = $(".log"), typingLine = $(".typing"), compose = $("form.compose"), input = $("#hub-input");
$("#hub-title").textContent = config.title;

// ---- messages ----

function findMessage(id) {
  for (var i = 0; i < state.messages.length; i++) if (state.messages[i].id === id) return state.messages[i];
  return null;
}

var STATUS_RANK = { queued: 0, sending: 0, sent: 1, delivered: 2, read: 3, failed: 4, bounced: 4 };

function upsert(msg) {
  var existing = findMessage(msg.id);
  if (existing) {
    // statuses only move forward (an older update replayed after a newer one changes nothing)
    if ((STATUS_RANK[msg.status] || 0) >= (STATUS_RANK[existing.status] || 0)) existing.status = msg.status;
    if (msg.text != null) existing.text = msg.text;
    return existing;
  }
  state.messages.push(msg);
  state.messages.sort(function (a, b) { return (a.at || "") < (b.at || "") ? -1 : (a.at || "") > (b.at || "") ? 1 : 0; });
  return msg;
}

function fromServer(m) {
  return {
    id: m.id,
    text: m.text || "",
    mine: m.senderType === "contact" || m.direction === "inbound",
    status: m.status,
    at: m.createdAt,
  };
}

function tickFor(m) {
  if (m.pending) return { text: "…", label: "Sending", cls: "" };
  if (m.status === "read") return { text: "✓✓ Read", label: "Read", cls: "read" };
  if (m.status === "delivered") return { text: "✓✓", label: "Delivered", cls: "" };
  if (m.status === "failed" || m.status === "bounced") return { text: "!", label: "Not sent", cls: "" };
  return { text: "✓", label: "Sent", cls: "" };
}

function render() {
  var stick = log.scrollHeight - log.scrollTop - log.clientHeight < 40 || log.scrollTop === 0;
  log.textContent = "";
  if (!state.messages.length) {
    var empty = document.createElement("li");
    empty.className = "empty";
    empty.textContent = "Ask us anything — we usually reply in a few minutes.";
    log.appendChild(empty);
  }
  state.messages.forEach(function (m) {
    var li = document.createElement("li");
    li.className = "msg " + (m.mine ? "visitor" : "agent") + (m.status === "failed" ? " failed" : "");
    li.setAttribute("data-message-id", m.id);
    var who = document.createElement("span");
    who.className = "sr";
    who.textContent = m.mine ? "You: " : "Agent: ";
    li.appendChild(who);
    li.appendChild(document.createTextNode(m.text));
    if (m.mine) {
      var t = tickFor(m);
      var meta = document.createElement("span");
      meta.className = "meta";
      var tick = document.createElement("span");
      tick.className = "tick " + t.cls;
      tick.setAttribute("data-status", m.pending ? "pending" : m.status || "sent");
      tick.setAttribute("aria-label", t.label);
      tick.title = t.label;
      tick.textContent = t.text;
      meta.appendChild(tick);
      li.appendChild(meta);
    }
    log.appendChild(li);
  });
  if (stick || !log.childElementCount || state.messages.length && state.messages[state.messages.length - 1].mine) log.scrollTop = log.scrollHeight;
  updateBadge();
}

function unreadCount() {
  return state.messages.filter(function (m) { return !m.mine && m.status !== "read" && !m.seen; }).length;
}

function updateBadge() {
  var n = state.open ? 0 : unreadCount();
  badge.hidden = n === 0;
  badge.textContent = String(n);
  launcher.setAttribute("aria-label", n ? "Open chat, " + n + " unread" : "Open chat");
}

// ---- read receipts: agent messages the visitor has seen (panel open) ----

var lastReadSent = null;

function markRead() {
  if (!state.open || !client || !state.conversationId) return;
  var last = null;
  state.messages.forEach(function (m) { if (!m.mine && !m.pending) last = m; });
  if (!last || last.id === lastReadSent) return;
  state.messages.forEach(function (m) { if (!m.mine) m.seen = true; });
  saveState();
  lastReadSent = last.id;
  client.invoke("message.read", { conversationId: state.conversationId, messageId: last.id })
    .catch(function () { lastReadSent = null; });
}

// ---- typing ----

var agentTypingTimer = null;
function showAgentTyping(on) {
  clearTimeout(agentTypingTimer);
  typingLine.textContent = on ? "Agent is typing…" : "";
  typingLine.classList.toggle("on", !!on);
  // the server expires typing too; this guards against a stop lost with a dropped connection
  if (on) agentTypingTimer = setTimeout(function () { showAgentTyping(false); }, 8000);
}

var typingSentAt = 0, typingStopTimer = null;
function visitorTyping() {
  if (!client || !state.conversationId) return;
  var now = Date.now();
  if (now - typingSentAt > 2000) {
    typingSentAt = now;
    client.invoke("typing.start", { conversationId: state.conversationId }).catch(function () {});
  }
  clearTimeout(typingStopTimer);
  typingStopTimer = setTimeout(stopTyping, 2500);
}
function stopTyping() {
  clearTimeout(typingStopTimer);
  if (!typingSentAt || !client || !state.conversationId) return;
  typingSentAt = 0;
  client.invoke("typing.stop", { conversationId: state.conversationId }).catch(function () {});
}

// ---- connection ----

var client = null, connecting = null;

function setStatus(text) {
  statusBar.hidden = !text;
  statusBar.textContent = text || "";
}

function onEvent(e) {
  var d = e.data || {};
  if (e.event === "message.received" || e.event === "message.updated") {
    if (d.direction === "note") return;
    if (d.conversationId) state.conversationId = d.conversationId;
    var m = e.event === "message.received" ? upsert(fromServer(d)) : findMessage(d.id);
    if (!m && e.event === "message.updated") m = upsert(fromServer(d));
    else if (e.event === "message.updated") upsert({ id: d.id, status: d.status, text: d.text });
    if (!m.mine && e.event === "message.received") showAgentTyping(false);
    saveState();
    render();
    markRead();
  } else if (e.event === "typing.indicator") {
    if (d.userId !== state.visitorId) showAgentTyping(d.isTyping);
  }
}

var RETRY_DELAYS = [1000, 2000, 5000, 10000, 30000], retries = 0, retryTimer = null;

function retryLater() {
  if (retryTimer) return;
  var delay = RETRY_DELAYS[Math.min(retries++, RETRY_DELAYS.length - 1)];
  retryTimer = setTimeout(function () {
    retryTimer = null;
    connect().catch(function () {});
  }, delay);
}

// Back online or back on the tab: try now rather than at the next backoff step.
function retryNow() {
  if (client || connecting || !state.visitorId) return;
  clearTimeout(retryTimer);
  retryTimer = null;
  connect().catch(function () {});
}
window.addEventListener("online", retryNow);
document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible") retryNow(); });

function connect() {
  if (client) return Promise.resolve(client);
  if (connecting) return connecting;
  var c;
  // The pre-chat form may have just opened a session: reuse it while it is fresh.
  var fresh = session && session.visitor_id === state.visitorId && Date.parse(session.expires_at) - Date.now() > 60000;
  connecting = (fresh ? Promise.resolve(session) : openSession()).then(function (s) {
    c = new HubClient({
      url: s.hub_url,
      accessTokenFactory: token,
      storage: window.localStorage,
      storageKey: STORE + ":seq:" + s.visitor_id,
      onEvent: onEvent,
      onStateChange: function (st) {
        if (window.console && console.debug) console.debug("[hub-widget] connection " + st);
        setStatus(st === "reconnecting" || st === "closed" ? "Reconnecting…" : "");
        if (st === "connected" || st === "reconnected") retries = 0;
        // SignalR gives up when the server closes the connection (or after its own retries): start over with a
        // new connection, which resumes from the seq kept in localStorage.
        if (st === "closed" && client === c) { client = null; retryLater(); }
      },
      onResync: function () { /* too far behind to replay: what we kept locally stays, new events continue */ },
      onError: function (err) { if (window.console) console.warn("[hub-widget]", err); },
    });
    return c.start();
  }).then(function () {
    client = c;
    connecting = null;
    retries = 0;
    markRead();
    return c;
  }, function (err) {
    connecting = null;
    setStatus(err && err.status === 404 ? "This chat is not available." : "Can't connect. Retrying…");
    if (!(err && err.status === 404)) retryLater();
    throw err;
  });
  return connecting;
}

function send(text) {
  var temp = { id: "tmp-" + Date.now() + "-" + Math.random().toString(36).slice(2), text: text, mine: true, pending: true, status: "sending", at: new Date().toISOString() };
  state.messages.push(temp);
  render();
  stopTyping();
  return connect().then(function (c) {
    return c.invoke("message.send", { conversationId: state.conversationId || null, content: text });
  }).then(function (result) {
    state.conversationId = result.conversationId;
    state.messages = state.messages.filter(function (m) { return m !== temp; });
    var known = findMessage(result.messageId);
    if (!known) { temp.id = result.messageId; temp.pending = false; temp.status = "sent"; state.messages.push(temp); }
    saveState();
    render();
  }, function (err) {
    temp.pending = false;
    temp.status = "failed";
    render();
    if (window.console) console.warn("[hub-widget] send failed", err);
  });
}

// ---- UI wiring ----

function showPrechat() {
  return config.prechat && !state.profileDone && state.messages.length === 0;
}

function layout() {
  var pre = showPrechat();
  prechat.hidden = !pre;
  log.hidden = pre;
  typingLine.hidden = pre;
  compose.hidden = pre;
}

function setOpen(open, focus) {
  state.open = open;
  saveState();
  panel.hidden = !open;
  launcher.setAttribute("aria-expanded", String(open));
  updateBadge();
  if (open) {
    layout();
    render();
    if (!showPrechat()) connect().catch(function () {});
    markRead();
    if (focus !== false) (showPrechat() ? prechat.querySelector("input") : input).focus();
  } else {
    stopTyping();
    if (focus !== false) launcher.focus();
  }
}

launcher.addEventListener("click", function () { setOpen(panel.hidden); });
closeBtn.addEventListener("click", function () { setOpen(false); });
panel.addEventListener("keydown", function (e) { if (e.key === "Escape") setOpen(false); });

prechat.addEventListener("submit", function (e) {
  e.preventDefault();
  var name = prechat.elements.name.value.trim(), email = prechat.elements.email.value.trim();
  var error = prechat.querySelector(".error");
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    error.textContent = "Please enter a valid email address.";
    prechat.elements.email.setAttribute("aria-invalid", "true");
    prechat.elements.email.focus();
    return;
  }
  error.textContent = "";
  prechat.elements.email.removeAttribute("aria-invalid");
  openSession({ name: name, email: email }).then(function () {
    state.profileDone = true;
    saveState();
    layout();
    render();
    input.focus();
    return connect();
  }).catch(function (err) {
    error.textContent = err.errors && err.errors.email ? "Please enter a valid email address." : "Something went wrong. Please try again.";
  });
});

compose.addEventListener("submit", function (e) {
  e.preventDefault();
  var text = input.value.trim();
  if (!text) return;
  input.value = "";
  send(text);
  input.focus();
});
input.addEventListener("keydown", function (e) {
  if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); compose.requestSubmit(); }
});
input.addEventListener("input", function () { if (input.value) visitorTyping(); else stopTyping(); });
input.addEventListener("blur", stopTyping);

function mount() {
  if (!config.key) { if (window.console) console.warn("[hub-widget] data-hub-key is missing"); return; }
  document.body.appendChild(host);
  render();
  if (state.open) setOpen(true, false);
  else if (state.visitorId) connect().catch(function () {}); // a returning visitor: replies show as a badge
}

window.HubWidget = {
  __loaded: true,
  open: function () { setOpen(true); },
  close: function () { setOpen(false); },
  get visitorId() { return state.visitorId; },
};

if (document.body) mount();
else document.addEventListener("DOMContentLoaded", mount);

})();
