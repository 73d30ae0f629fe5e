// Worker-thread plugin host inside the single executable: the worker evaluates this bundle as
// its code (new Worker(code, { eval: true })), so it needs no file; plugins load from the assets.
import { setEmbeddedPackage } from '../core/embedded.js';
import { seaPackage } from './assets.js';

setEmbeddedPackage(seaPackage());
void import('../core/isolation/worker-entry.js');
