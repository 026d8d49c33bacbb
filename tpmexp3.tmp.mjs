import pkcs11js from 'pkcs11js';
import { readFileSync } from 'node:fs';
const W = process.argv[2]; const which = process.argv[3];
const p = new pkcs11js.PKCS11();
p.load('/usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so');
p.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
const slot = p.C_GetSlotList(true)[0];
console.log(JSON.stringify(p.C_GetInfo()));
const s = p.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION|pkcs11js.CKF_RW_SESSION);
p.C_Login(s, pkcs11js.CKU_USER, '1234');
const ecp = Buffer.from('06082a8648ce3d030107','hex');
let t=Date.now();
const kp = p.C_GenerateKeyPair(s, {mechanism: pkcs11js.CKM_EC_KEY_PAIR_GEN}, [{type:pkcs11js.CKA_TOKEN,value:true},{type:pkcs11js.CKA_EC_PARAMS,value:ecp},{type:pkcs11js.CKA_VERIFY,value:true},{type:pkcs11js.CKA_LABEL,value:'k'+Date.now()}], [{type:pkcs11js.CKA_TOKEN,value:true},{type:pkcs11js.CKA_SIGN,value:true},{type:pkcs11js.CKA_SENSITIVE,value:true},{type:pkcs11js.CKA_EXTRACTABLE,value:false},{type:pkcs11js.CKA_LABEL,value:'k'+Date.now()},{type:pkcs11js.CKA_PRIVATE,value:true}]);
console.log('gen ms', Date.now()-t);
const dg = Buffer.alloc(32, 7);
t=Date.now(); let n=0;
while (Date.now()-t < 1000) { p.C_SignInit(s, {mechanism: pkcs11js.CKM_ECDSA}, kp.privateKey); p.C_Sign(s, dg, Buffer.alloc(64)); n++; }
console.log('sign/s', n);
process.kill(Number(readFileSync(`${W}/${which}.pid`,'utf8').trim()), 'SIGKILL');
await new Promise(r=>setTimeout(r,200));
t=Date.now();
try { p.C_SignInit(s, {mechanism: pkcs11js.CKM_ECDSA}, kp.privateKey); const sig = await p.C_SignAsync(s, dg, Buffer.alloc(64)); console.log('signed after kill?', sig.length); } catch (e) { console.log('after kill:', e.message, Date.now()-t, 'ms'); }
try { p.C_SignInit(s, {mechanism: pkcs11js.CKM_ECDSA}, kp.privateKey); console.log('init2 ok'); } catch (e) { console.log('init2:', e.message); }
try { console.log(p.C_GetSlotList(true).length); } catch (e) { console.log('slotlist:', e.message); }
try { p.C_CloseSession(s); } catch (e) { console.log('close:', e.message); }
try { p.C_Finalize(); } catch (e) { console.log('fin:', e.message); }
