#!/usr/bin/env python3
"""Offline checks of a rendered Marsad manifest stream (output of `kubectl kustomize`).

Usage: check_rendered.py RENDERED.yaml BUILTINS_OUT.yaml

1. Splits the stream: CloudNativePG resources (postgresql.cnpg.io) are checked here; every
   other document is written to BUILTINS_OUT.yaml for `kubernetes-validate --strict`.
2. CNPG structural check. kubernetes-validate has no CRD schemas, and the CNPG CRD could not
   be obtained offline (no PyPI/npm package ships it), so this is a hand-written subset of the
   postgresql.cnpg.io/v1 OpenAPI schema: required fields, known keys (unknown keys fail, as
   --strict does for built-ins) for every section Marsad uses, enums, types and patterns.
   It is NOT the full CRD schema: keys are checked, deep value shapes only where we use them.
3. Cross-resource consistency the schemas cannot see (names, ports, labels, secrets).

Exits 1 on any finding and prints each one.
"""
import re
import sys

try:
    import yaml
except ImportError:  # PyYAML comes with kubernetes-validate
    sys.exit("check_rendered.py: PyYAML missing: pip install -r deploy/k8s/requirements.txt")

ERRORS = []


def err(where, msg):
    ERRORS.append(f"{where}: {msg}")


# ---------------------------------------------------------------- CNPG schema subset
# A node is either a type name, a dict {key: node} of known keys (optionally with "__required__"),
# an ("enum", {...}) tuple, ("pattern", regex), ("map", valuenode) or ("list", itemnode).
QUANTITY = ("pattern", r"^[0-9]+(\.[0-9]+)?(m|k|Ki|Mi|Gi|Ti|Pi|M|G|T|P)?$")
SECRET_KEY_SELECTOR = {"__required__": ["name", "key"], "name": "str", "key": "str"}
LOCAL_OBJECT_REF = {"__required__": ["name"], "name": "str"}
RESOURCES = {"requests": ("map", "quantity"), "limits": ("map", "quantity"), "claims": "list"}
COMPRESSION = ("enum", {"bzip2", "gzip", "lz4", "snappy", "xz", "zstd"})

BARMAN_OBJECT_STORE = {
    "__required__": ["destinationPath"],
    "destinationPath": "str",
    "endpointURL": "str",
    "endpointCA": SECRET_KEY_SELECTOR,
    "serverName": "str",
    "s3Credentials": {
        "accessKeyId": SECRET_KEY_SELECTOR,
        "secretAccessKey": SECRET_KEY_SELECTOR,
        "region": SECRET_KEY_SELECTOR,
        "sessionToken": SECRET_KEY_SELECTOR,
        "inheritFromIAMRole": "bool",
    },
    "azureCredentials": "dict",
    "googleCredentials": "dict",
    "wal": {
        "compression": COMPRESSION,
        "encryption": ("enum", {"AES256", "aws:kms"}),
        "maxParallel": "int",
        "archiveAdditionalCommandArgs": "list",
        "restoreAdditionalCommandArgs": "list",
    },
    "data": {
        "compression": COMPRESSION,
        "encryption": ("enum", {"AES256", "aws:kms"}),
        "immediateCheckpoint": "bool",
        "jobs": "int",
        "additionalCommandArgs": "list",
    },
    "tags": ("map", "str"),
    "historyTags": ("map", "str"),
}

STORAGE = {"size": QUANTITY, "storageClass": "str", "resizeInUseVolumes": "bool", "pvcTemplate": "dict"}

CLUSTER_SPEC = {
    "__required__": ["instances", "storage"],
    "affinity": {
        "enablePodAntiAffinity": "bool",
        "topologyKey": "str",
        "podAntiAffinityType": ("enum", {"preferred", "required"}),
        "nodeSelector": ("map", "str"),
        "nodeAffinity": "dict",
        "tolerations": "list",
        "additionalPodAntiAffinity": "dict",
        "additionalPodAffinity": "dict",
    },
    "backup": {
        "barmanObjectStore": BARMAN_OBJECT_STORE,
        "retentionPolicy": ("pattern", r"^[1-9][0-9]*[dwm]$"),
        "target": ("enum", {"primary", "prefer-standby"}),
        "volumeSnapshot": "dict",
    },
    "bootstrap": {
        "initdb": {
            "database": "str",
            "owner": "str",
            "secret": LOCAL_OBJECT_REF,
            "options": "list",
            "dataChecksums": "bool",
            "encoding": "str",
            "locale": "str",
            "localeCollate": "str",
            "localeCType": "str",
            "localeProvider": "str",
            "icuLocale": "str",
            "icuRules": "str",
            "builtinLocale": "str",
            "walSegmentSize": "int",
            "postInitSQL": "list",
            "postInitApplicationSQL": "list",
            "postInitTemplateSQL": "list",
            "postInitSQLRefs": "dict",
            "postInitApplicationSQLRefs": "dict",
            "postInitTemplateSQLRefs": "dict",
            "import": "dict",
        },
        "recovery": "dict",
        "pg_basebackup": "dict",
    },
    "certificates": "dict",
    "description": "str",
    "enablePDB": "bool",
    "enableSuperuserAccess": "bool",
    "env": "list",
    "envFrom": "list",
    "ephemeralVolumeSource": "dict",
    "ephemeralVolumesSizeLimit": "dict",
    "externalClusters": "list",
    "failoverDelay": "int",
    "imageCatalogRef": "dict",
    "imageName": "str",
    "imagePullPolicy": ("enum", {"Always", "IfNotPresent", "Never"}),
    "imagePullSecrets": "list",
    "inheritedMetadata": "dict",
    "instances": "int",
    "livenessProbeTimeout": "int",
    "logLevel": ("enum", {"error", "warning", "info", "debug", "trace"}),
    "managed": "dict",
    "maxSyncReplicas": "int",
    "minSyncReplicas": "int",
    "monitoring": "dict",
    "nodeMaintenanceWindow": "dict",
    "plugins": "list",
    "podSecurityContext": "dict",
    "postgresGID": "int",
    "postgresUID": "int",
    "postgresql": {
        "parameters": ("map", "str"),
        "pg_hba": "list",
        "pg_ident": "list",
        "shared_preload_libraries": "list",
        "ldap": "dict",
        "promotionTimeout": "int",
        "syncReplicaElectionConstraint": "dict",
        "enableAlterSystem": "bool",
        "synchronous": "dict",
        "extensions": "list",
    },
    "primaryUpdateMethod": ("enum", {"switchover", "restart"}),
    "primaryUpdateStrategy": ("enum", {"supervised", "unsupervised"}),
    "priorityClassName": "str",
    "probes": "dict",
    "projectedVolumeTemplate": "dict",
    "replica": "dict",
    "replicationSlots": "dict",
    "resources": RESOURCES,
    "schedulerName": "str",
    "seccompProfile": "dict",
    "securityContext": "dict",
    "serviceAccountTemplate": "dict",
    "smartShutdownTimeout": "int",
    "startDelay": "int",
    "stopDelay": "int",
    "storage": STORAGE,
    "superuserSecret": LOCAL_OBJECT_REF,
    "switchoverDelay": "int",
    "tablespaces": "list",
    "topologySpreadConstraints": "list",
    "walStorage": STORAGE,
}

SCHEDULED_BACKUP_SPEC = {
    "__required__": ["schedule", "cluster"],
    "schedule": "str",
    "cluster": LOCAL_OBJECT_REF,
    "immediate": "bool",
    "suspend": "bool",
    "backupOwnerReference": ("enum", {"none", "self", "cluster"}),
    "method": ("enum", {"barmanObjectStore", "volumeSnapshot", "plugin"}),
    "target": ("enum", {"primary", "prefer-standby"}),
    "online": "bool",
    "onlineConfiguration": "dict",
    "pluginConfiguration": "dict",
}

CNPG_KINDS = {"Cluster": CLUSTER_SPEC, "ScheduledBackup": SCHEDULED_BACKUP_SPEC}
METADATA_KEYS = {"name", "namespace", "labels", "annotations"}

TYPES = {"str": str, "bool": bool, "dict": dict, "list": list}


def check_node(where, value, node):
    if isinstance(node, dict):
        if not isinstance(value, dict):
            return err(where, f"expected an object, got {type(value).__name__}")
        for req in node.get("__required__", []):
            if req not in value:
                err(where, f"missing required field {req!r}")
        for k, v in value.items():
            if k not in node or k == "__required__":
                err(where, f"unknown field {k!r} (not in the CNPG v1 schema subset)")
            else:
                check_node(f"{where}.{k}", v, node[k])
    elif isinstance(node, tuple):
        tag, arg = node
        if tag == "enum":
            if value not in arg:
                err(where, f"{value!r} not one of {sorted(arg)}")
        elif tag == "pattern":
            if not isinstance(value, str) or not re.match(arg, value):
                err(where, f"{value!r} does not match {arg}")
        elif tag == "map":
            if not isinstance(value, dict):
                return err(where, "expected a map")
            for k, v in value.items():
                check_node(f"{where}.{k}", v, arg)
        elif tag == "list":
            if not isinstance(value, list):
                return err(where, "expected a list")
    elif node == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            err(where, f"expected an integer, got {value!r}")
    elif node == "quantity":
        if isinstance(value, bool) or not (isinstance(value, (int, float)) or re.match(QUANTITY[1], str(value))):
            err(where, f"{value!r} is not a quantity")
    else:
        if not isinstance(value, TYPES[node]):
            err(where, f"expected {node}, got {type(value).__name__} ({value!r})")


def check_cnpg(doc):
    kind, name = doc["kind"], doc.get("metadata", {}).get("name", "?")
    where = f"{kind}/{name}"
    if doc.get("apiVersion") != "postgresql.cnpg.io/v1":
        err(where, f"apiVersion {doc.get('apiVersion')} (expected postgresql.cnpg.io/v1)")
    if kind not in CNPG_KINDS:
        return err(where, "unknown CloudNativePG kind (extend check_rendered.py)")
    for k in doc:
        if k not in ("apiVersion", "kind", "metadata", "spec"):
            err(where, f"unknown top-level field {k!r}")
    for k in doc.get("metadata", {}):
        if k not in METADATA_KEYS:
            err(where, f"unexpected metadata field {k!r}")
    if not re.match(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", name) or len(name) > 50:
        err(where, "name must be a DNS label of at most 50 characters (CNPG limit)")
    check_node(f"{where}.spec", doc.get("spec"), CNPG_KINDS[kind])
    spec = doc.get("spec") or {}
    if kind == "Cluster":
        if isinstance(spec.get("instances"), int) and spec["instances"] < 1:
            err(where, "spec.instances must be >= 1")
        if "size" not in (spec.get("storage") or {}) and "pvcTemplate" not in (spec.get("storage") or {}):
            err(where, "spec.storage needs size or pvcTemplate")
        s3 = (((spec.get("backup") or {}).get("barmanObjectStore") or {}).get("s3Credentials") or {})
        if s3 and not s3.get("inheritFromIAMRole") and not ("accessKeyId" in s3 and "secretAccessKey" in s3):
            err(where, "s3Credentials needs accessKeyId and secretAccessKey (or inheritFromIAMRole)")
    if kind == "ScheduledBackup":
        fields = str(spec.get("schedule", "")).split()
        if len(fields) != 6:
            err(where, f"schedule {spec.get('schedule')!r}: CNPG wants 6 cron fields (seconds first)")


# ---------------------------------------------------------------- consistency checks
APP_SECRET_KEYS = {"username", "password", "host", "port", "dbname", "uri", "jdbc-uri",
                   "pgpass", "fqdn-uri", "fqdn-jdbc-uri", "user"}
CRED_URL = re.compile(r"://[^/@\s]+:[^/@\s]+@")


def pod_spec(doc):
    if doc["kind"] in ("Deployment", "Job", "StatefulSet", "DaemonSet"):
        return doc["spec"]["template"]["spec"], doc["spec"]["template"]["metadata"].get("labels", {})
    return None, None


def matches(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def check_consistency(docs):
    clusters = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Cluster"}
    by_kind = {}
    for d in docs:
        by_kind.setdefault(d["kind"], []).append(d)
    pods = []  # (where, labels, spec)

    for d in docs:
        where = f"{d['kind']}/{d['metadata']['name']}"
        if d["kind"] == "Secret":
            err(where, "a Secret in the manifests: credentials must not live in git")
        spec, labels = pod_spec(d)
        if spec is None:
            continue
        pods.append((where, labels, spec))
        if spec.get("automountServiceAccountToken") is not False:
            err(where, "automountServiceAccountToken must be false")
        psc = spec.get("securityContext", {})
        if psc.get("runAsNonRoot") is not True or psc.get("seccompProfile", {}).get("type") != "RuntimeDefault":
            err(where, "pod securityContext needs runAsNonRoot and seccompProfile RuntimeDefault")
        for c in spec.get("initContainers", []) + spec.get("containers", []):
            cw = f"{where} container {c['name']}"
            sc = c.get("securityContext", {})
            if not (sc.get("allowPrivilegeEscalation") is False and sc.get("readOnlyRootFilesystem") is True
                    and sc.get("runAsNonRoot") is True and sc.get("capabilities", {}).get("drop") == ["ALL"]):
                err(cw, "securityContext must set allowPrivilegeEscalation=false, readOnlyRootFilesystem, "
                        "runAsNonRoot, drop ALL")
            res = c.get("resources", {})
            if not all(k in res.get(s, {}) for s in ("requests", "limits") for k in ("cpu", "memory")):
                err(cw, "needs cpu and memory requests and limits")
            for e in c.get("env", []):
                if "value" in e and CRED_URL.search(str(e["value"])):
                    err(cw, f"env {e['name']} holds a URL with credentials: use a secretKeyRef")
                ref = e.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    m = re.match(r"^(.*)-app$", ref["name"])
                    if not m or m.group(1) not in clusters:
                        err(cw, f"secretKeyRef {ref['name']} is not the app Secret of a CNPG Cluster here")
                    elif ref["key"] not in APP_SECRET_KEYS:
                        err(cw, f"key {ref['key']!r} is not in the CNPG app Secret")
            # Port consistency: MARSAD_LISTEN == containerPort 'grpc'; MARSAD_HEALTH_LISTEN ==
            # containerPort 'health' == every probe port (probes send no TLS and no token, so they
            # use the plaintext health port when there is one); MARSAD_METRICS_LISTEN == 'metrics'.
            ports = {p.get("name"): p["containerPort"] for p in c.get("ports", [])}
            if "grpc" in ports:
                env = {e["name"]: e.get("value") for e in c.get("env", [])}
                listen = env.get("MARSAD_LISTEN", "")
                if not listen.endswith(f":{ports['grpc']}"):
                    err(cw, f"MARSAD_LISTEN {listen!r} does not match containerPort {ports['grpc']}")
                for var, name in (("MARSAD_HEALTH_LISTEN", "health"), ("MARSAD_METRICS_LISTEN", "metrics")):
                    if name in ports and not (env.get(var) or "").endswith(f":{ports[name]}"):
                        err(cw, f"{var} {env.get(var)!r} does not match containerPort {ports[name]}")
                probe_port = ports.get("health", ports["grpc"])
                for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                    p = c.get(probe)
                    if not p or p.get("grpc", {}).get("port") != probe_port:
                        err(cw, f"{probe} must be a native gRPC probe on port {probe_port}")

    def pods_for(selector):
        return [w for w, labels, _ in pods if matches(selector, labels)]

    for s in by_kind.get("Service", []):
        where = f"Service/{s['metadata']['name']}"
        targets = [(w, sp) for w, labels, sp in pods if matches(s["spec"].get("selector"), labels)]
        if not targets:
            err(where, "selector matches no pod template")
        for port in s["spec"]["ports"]:
            if (port.get("name"), port.get("appProtocol")) not in (("grpc", "grpc"), ("metrics", "http")):
                err(where, "port must be grpc (appProtocol grpc) or metrics (appProtocol http)")
            for w, sp in targets:
                cports = {p.get("name"): p["containerPort"] for c in sp["containers"] for p in c.get("ports", [])}
                if port.get("targetPort") not in cports and port.get("targetPort") not in cports.values():
                    err(where, f"targetPort {port.get('targetPort')} not a port of {w}")
    for kind in ("PodDisruptionBudget",):
        for p in by_kind.get(kind, []):
            if not pods_for(p["spec"]["selector"].get("matchLabels")):
                err(f"{kind}/{p['metadata']['name']}", "selector matches no pod template")
    deployments = {d["metadata"]["name"] for d in by_kind.get("Deployment", [])}
    for h in by_kind.get("HorizontalPodAutoscaler", []):
        ref = h["spec"]["scaleTargetRef"]
        if ref["kind"] != "Deployment" or ref["name"] not in deployments:
            err(f"HorizontalPodAutoscaler/{h['metadata']['name']}", f"target {ref['name']} not rendered")
        if h["spec"].get("minReplicas", 1) > h["spec"]["maxReplicas"]:
            err(f"HorizontalPodAutoscaler/{h['metadata']['name']}", "minReplicas > maxReplicas")
    for np_ in by_kind.get("NetworkPolicy", []):
        sel = np_["spec"]["podSelector"].get("matchLabels", {})
        if "cnpg.io/cluster" in sel and sel["cnpg.io/cluster"] not in clusters:
            err(f"NetworkPolicy/{np_['metadata']['name']}", f"selects CNPG cluster {sel['cnpg.io/cluster']} not rendered")
    for b in by_kind.get("ScheduledBackup", []):
        where = f"ScheduledBackup/{b['metadata']['name']}"
        c = clusters.get((b["spec"].get("cluster") or {}).get("name"))
        if c is None:
            err(where, "spec.cluster.name is not a rendered Cluster")
        elif b["spec"].get("method", "barmanObjectStore") == "barmanObjectStore" and \
                "barmanObjectStore" not in (c["spec"].get("backup") or {}):
            err(where, "method barmanObjectStore but the Cluster has no backup.barmanObjectStore")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    builtins, cnpg = [], []
    for d in docs:
        (cnpg if str(d.get("apiVersion", "")).startswith("postgresql.cnpg.io/") else builtins).append(d)
    with open(sys.argv[2], "w") as f:
        yaml.safe_dump_all(builtins, f, sort_keys=False)
    for d in cnpg:
        check_cnpg(d)
    check_consistency(docs)
    kinds = sorted({d["kind"] for d in cnpg})
    if ERRORS:
        for e in ERRORS:
            print(f"  FAIL {e}")
        print(f"check_rendered: {len(ERRORS)} finding(s)")
        sys.exit(1)
    print(f"  ok   CNPG schema subset: {len(cnpg)} resource(s) ({', '.join(kinds) or 'none'}); "
          f"consistency: {len(docs)} resource(s); {len(builtins)} built-in resource(s) passed on")


if __name__ == "__main__":
    main()
