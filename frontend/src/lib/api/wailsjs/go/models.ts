export namespace desktop {
	
	export class PendingImport {
	    id: string;
	    file: string;
	    name: string;
	    hosts: profiles.HostUse[];
	    grant: string;
	
	    static createFrom(source: any = {}) {
	        return new PendingImport(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.file = source["file"];
	        this.name = source["name"];
	        this.hosts = this.convertValues(source["hosts"], profiles.HostUse);
	        this.grant = source["grant"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class KeychainState {
	    problem: string;
	    sessionOnly: boolean;
	
	    static createFrom(source: any = {}) {
	        return new KeychainState(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.problem = source["problem"];
	        this.sessionOnly = source["sessionOnly"];
	    }
	}
	export class Identity {
	    id: string;
	    fullName: string;
	    email: string;
	
	    static createFrom(source: any = {}) {
	        return new Identity(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.fullName = source["fullName"];
	        this.email = source["email"];
	    }
	}
	export class ProfileView {
	    id: string;
	    name: string;
	    clientId: string;
	    redirectUri: string;
	    authorizeUrl: string;
	    apiBaseUrl: string;
	    scopes: string[];
	    sandbox: boolean;
	    signedIn: boolean;
	    tokenInvalid: boolean;
	    expired: boolean;
	    identity?: Identity;
	    grantedScopes: string[];
	    obtainedAt?: string;
	    expiresAt?: string;
	    lastVerifiedAt?: string;
	    lastVerifyOk: boolean;
	    lastVerifyNote: string;
	    status: string;
	    statusLabel: string;
	    browserMethod: string;
	    missingScopes: string[];
	    untrustedHosts: profiles.HostUse[];
	    signedOutReason: string;
	    grant: string;
	    grantLabel: string;
	    tokenUrl: string;
	    clientSecretMissing: boolean;
	    renews: boolean;
	    renewsAt?: string;
	
	    static createFrom(source: any = {}) {
	        return new ProfileView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.clientId = source["clientId"];
	        this.redirectUri = source["redirectUri"];
	        this.authorizeUrl = source["authorizeUrl"];
	        this.apiBaseUrl = source["apiBaseUrl"];
	        this.scopes = source["scopes"];
	        this.sandbox = source["sandbox"];
	        this.signedIn = source["signedIn"];
	        this.tokenInvalid = source["tokenInvalid"];
	        this.expired = source["expired"];
	        this.identity = this.convertValues(source["identity"], Identity);
	        this.grantedScopes = source["grantedScopes"];
	        this.obtainedAt = source["obtainedAt"];
	        this.expiresAt = source["expiresAt"];
	        this.lastVerifiedAt = source["lastVerifiedAt"];
	        this.lastVerifyOk = source["lastVerifyOk"];
	        this.lastVerifyNote = source["lastVerifyNote"];
	        this.status = source["status"];
	        this.statusLabel = source["statusLabel"];
	        this.browserMethod = source["browserMethod"];
	        this.missingScopes = source["missingScopes"];
	        this.untrustedHosts = this.convertValues(source["untrustedHosts"], profiles.HostUse);
	        this.signedOutReason = source["signedOutReason"];
	        this.grant = source["grant"];
	        this.grantLabel = source["grantLabel"];
	        this.tokenUrl = source["tokenUrl"];
	        this.clientSecretMissing = source["clientSecretMissing"];
	        this.renews = source["renews"];
	        this.renewsAt = source["renewsAt"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class AppState {
	    profiles: ProfileView[];
	    activeProfileId: string;
	    notice: string;
	    version: string;
	    keychain: KeychainState;
	    pendingImports: PendingImport[];
	
	    static createFrom(source: any = {}) {
	        return new AppState(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.profiles = this.convertValues(source["profiles"], ProfileView);
	        this.activeProfileId = source["activeProfileId"];
	        this.notice = source["notice"];
	        this.version = source["version"];
	        this.keychain = this.convertValues(source["keychain"], KeychainState);
	        this.pendingImports = this.convertValues(source["pendingImports"], PendingImport);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Column {
	    key: string;
	    title: string;
	
	    static createFrom(source: any = {}) {
	        return new Column(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.key = source["key"];
	        this.title = source["title"];
	    }
	}
	
	export class ImportResult {
	    profile?: ProfileView;
	    pending?: PendingImport;
	
	    static createFrom(source: any = {}) {
	        return new ImportResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.profile = this.convertValues(source["profile"], ProfileView);
	        this.pending = this.convertValues(source["pending"], PendingImport);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class PasteOutcome {
	    ok: boolean;
	    cancelled: boolean;
	    message: string;
	    profile?: ProfileView;
	    retry: boolean;
	
	    static createFrom(source: any = {}) {
	        return new PasteOutcome(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.ok = source["ok"];
	        this.cancelled = source["cancelled"];
	        this.message = source["message"];
	        this.profile = this.convertValues(source["profile"], ProfileView);
	        this.retry = source["retry"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class PasteStart {
	    authorizeUrl: string;
	    redirectUri: string;
	
	    static createFrom(source: any = {}) {
	        return new PasteStart(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.authorizeUrl = source["authorizeUrl"];
	        this.redirectUri = source["redirectUri"];
	    }
	}
	
	
	export class ResourceInfo {
	    id: string;
	    title: string;
	    path: string;
	    auth: string;
	    scope: string;
	    needsParams: string[];
	    available: boolean;
	    reason: string;
	    columns: Column[];
	
	    static createFrom(source: any = {}) {
	        return new ResourceInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.title = source["title"];
	        this.path = source["path"];
	        this.auth = source["auth"];
	        this.scope = source["scope"];
	        this.needsParams = source["needsParams"];
	        this.available = source["available"];
	        this.reason = source["reason"];
	        this.columns = this.convertValues(source["columns"], Column);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class SignInOutcome {
	    ok: boolean;
	    cancelled: boolean;
	    message: string;
	    profile?: ProfileView;
	
	    static createFrom(source: any = {}) {
	        return new SignInOutcome(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.ok = source["ok"];
	        this.cancelled = source["cancelled"];
	        this.message = source["message"];
	        this.profile = this.convertValues(source["profile"], ProfileView);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}

}

export namespace profiles {
	
	export class HostUse {
	    host: string;
	    gets: string[];
	
	    static createFrom(source: any = {}) {
	        return new HostUse(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.host = source["host"];
	        this.gets = source["gets"];
	    }
	}
	export class Input {
	    name: string;
	    clientId: string;
	    redirectUri: string;
	    scopes: string;
	    authorizeUrl: string;
	    apiBaseUrl: string;
	    grant: string;
	    tokenUrl: string;
	
	    static createFrom(source: any = {}) {
	        return new Input(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.clientId = source["clientId"];
	        this.redirectUri = source["redirectUri"];
	        this.scopes = source["scopes"];
	        this.authorizeUrl = source["authorizeUrl"];
	        this.apiBaseUrl = source["apiBaseUrl"];
	        this.grant = source["grant"];
	        this.tokenUrl = source["tokenUrl"];
	    }
	}

}

