#!/usr/bin/env python3
"""Checks Deploy/ offline: the Kubernetes manifests and the Dockerfile.

    .venv-tools/bin/python Tests/tools/validate_deploy.py [K8S_DIR] [--dockerfile FILE | --no-dockerfile]

K8S_DIR (default Deploy/k8s) is searched for *.yaml and *.yml files, and
every YAML document in them is checked:
  * Kubernetes objects against the JSON Schemas of Kubernetes KUBE_VERSION
    that the kubernetes-validate package ships, in strict mode (a misspelt or
    unknown field fails, as do wrong types such as `parallelism: "two"`);
  * kustomization.yaml files (Kustomization and Component) for known keys,
    and every resource, component and patch they name: files exist and are
    listed somewhere, inline patches target an object the kustomization has;
  * every manifest file is listed by some kustomization, except templates
    (*.example.yaml), which must not be: applying one would overwrite a real
    Secret with placeholders;
  * what the deployment relies on beyond the schema: pods run as non-root,
    every container has CPU and memory requests and a memory limit, no
    password is written into a manifest, work-queue Jobs leave completions
    unset, and a kustomization whose pods run the `mien` image rewrites it.
The Dockerfile (default Deploy/Dockerfile) is parsed with dockerfile-parse:
it must build on Debian 12 (bookworm) images, set MIEN_CPU in the build stage
(portable by default), set OPENBLAS_NUM_THREADS=1 in the runtime stage, and
run as a non-root user.

Prints `path: problem` lines and exits 1 if there was any, 2 when a package
is missing (run scripts/tools-venv.sh, which makes .venv-tools/).
"""
import argparse
import glob
import os
import sys

try:
    import yaml
    import kubernetes_validate
    from kubernetes_validate.utils import SchemaNotFoundError, ValidationError
    from dockerfile_parse import DockerfileParser
except ImportError as error:
    sys.exit("validate_deploy: %s in %s; run `bash scripts/tools-venv.sh` and use .venv-tools/bin/python"
             % (error, sys.executable))
    raise

KUBE_VERSION = "1.30"
REPOSITORY = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
KUSTOMIZE_KINDS = {"Kustomization", "Component"}
KUSTOMIZE_KEYS = {"apiVersion", "kind", "namespace", "resources", "components", "patches", "images",
                  "labels", "commonLabels", "commonAnnotations", "configMapGenerator", "secretGenerator",
                  "generatorOptions", "namePrefix", "nameSuffix", "replicas"}
IMAGE_KEYS = {"name", "newName", "newTag", "digest"}
PASSWORD_NAMES = {"PGPASSWORD", "POSTGRES_PASSWORD"}


class Report:
    def __init__(self):
        self.problems = []

    def add(self, path, message):
        self.problems.append("%s: %s" % (shown(path), message))


def shown(path):
    """`path` relative to the working folder when it lies inside it."""
    relative = os.path.relpath(path, os.getcwd())
    return path if relative.startswith("..") else relative


def load_documents(path, report):
    """The non-empty YAML documents of `path`, or [] after reporting why not."""
    try:
        with open(path) as f:
            return [d for d in yaml.safe_load_all(f) if d is not None]
    except yaml.YAMLError as error:
        report.add(path, "not YAML: %s" % error)
        return []


def name_of(document):
    metadata = document.get("metadata") or {}
    return "%s/%s" % (document.get("kind"), metadata.get("name"))


def pod_spec(document):
    kind = document.get("kind")
    if kind == "Pod":
        return document.get("spec") or {}
    if kind in ("Job", "StatefulSet", "Deployment", "DaemonSet"):
        return ((document.get("spec") or {}).get("template") or {}).get("spec") or {}
    if kind == "CronJob":
        job = ((document.get("spec") or {}).get("jobTemplate") or {}).get("spec") or {}
        return (job.get("template") or {}).get("spec") or {}
    return None


def check_object(path, index, document, report):
    """Schema validation and the checks the schema cannot make."""
    where = "document %d (%s)" % (index + 1, name_of(document))
    try:
        kubernetes_validate.validate(document, KUBE_VERSION, strict=True)
    except ValidationError as error:
        field = ".".join(str(p) for p in error.path) or "(top)"
        report.add(path, "%s does not validate against Kubernetes %s: %s: %s"
                   % (where, KUBE_VERSION, field, error.message))
        return
    except SchemaNotFoundError as error:
        report.add(path, "%s: %s" % (where, error.message))
        return
    if document["kind"] == "Secret" and not path.endswith(".example.yaml"):
        report.add(path, "%s: a Secret belongs in a *.example.yaml template, created with kubectl" % where)
    spec = pod_spec(document)
    if spec is None:
        return
    security = spec.get("securityContext") or {}
    if security.get("runAsNonRoot") is not True:
        report.add(path, "%s: the pod does not set securityContext.runAsNonRoot: true" % where)
    for container in spec.get("containers", []) + spec.get("initContainers", []):
        label = "%s container %s" % (where, container.get("name"))
        resources = container.get("resources") or {}
        requests, limits = resources.get("requests") or {}, resources.get("limits") or {}
        for missing in [k for k in ("cpu", "memory") if k not in requests]:
            report.add(path, "%s has no %s request" % (label, missing))
        if "memory" not in limits:
            report.add(path, "%s has no memory limit" % label)
        for variable in container.get("env", []):
            if variable.get("name") in PASSWORD_NAMES and "value" in variable:
                report.add(path, "%s writes %s into the manifest; take it from the Secret"
                           % (label, variable["name"]))
    if document["kind"] == "Job":
        job = document["spec"]
        arguments = [a for c in spec.get("containers", []) for a in (c.get("args") or [])]
        if "--exit-when-idle" in arguments:
            if "completions" in job:
                report.add(path, "%s: a work-queue Job (workers exit when idle) must leave completions unset" % where)
            if "parallelism" not in job:
                report.add(path, "%s: a work-queue Job should say its parallelism" % where)


class Kustomization:
    def __init__(self, path, document):
        self.path, self.document = path, document
        self.folder = os.path.dirname(path)


def check_kustomization(k, kustomizations, files, report):
    """Keys, listed files and folders, patches. Returns the manifest files it lists."""
    listed = []
    for key in sorted(set(k.document) - KUSTOMIZE_KEYS):
        report.add(k.path, "unknown kustomization key %r" % key)
    for key in ("resources", "components"):
        for entry in k.document.get(key) or []:
            target = os.path.normpath(os.path.join(k.folder, entry))
            if os.path.isdir(target):
                child = os.path.join(target, "kustomization.yaml")
                if child not in kustomizations:
                    report.add(k.path, "%s entry %s is a folder without a kustomization.yaml" % (key, entry))
                elif (kustomizations[child].document.get("kind") == "Component") != (key == "components"):
                    report.add(k.path, "%s entry %s is a %s" % (key, entry, kustomizations[child].document.get("kind")))
            elif key == "components":
                report.add(k.path, "component %s is not a folder with a kustomization.yaml" % entry)
            elif target not in files:
                report.add(k.path, "resource %s is not a manifest under the checked folder" % entry)
            else:
                listed.append(target)
    for image in k.document.get("images") or []:
        for key in sorted(set(image) - IMAGE_KEYS):
            report.add(k.path, "unknown key %r in images entry %s" % (key, image.get("name")))
    objects = built_objects(k, kustomizations, files)
    for number, patch in enumerate(k.document.get("patches") or []):
        if "path" in patch:
            report.add(k.path, "patch %d: only inline patches are checked; inline it or extend the validator" % number)
            continue
        try:
            body = yaml.safe_load(patch.get("patch", ""))
        except yaml.YAMLError as error:
            report.add(k.path, "patch %d is not YAML: %s" % (number, error))
            continue
        target = (body or {}).get("kind"), ((body or {}).get("metadata") or {}).get("name")
        if target not in objects:
            report.add(k.path, "patch %d targets %s/%s, which the kustomization does not have" % (number, *target))
    return listed


def built_objects(k, kustomizations, files, seen=()):
    """(kind, name) of every object a kustomization brings in, through its folders."""
    if k.path in seen:
        return set()
    objects = set()
    for entry in (k.document.get("resources") or []) + (k.document.get("components") or []):
        target = os.path.normpath(os.path.join(k.folder, entry))
        child = os.path.join(target, "kustomization.yaml")
        if child in kustomizations:
            objects |= built_objects(kustomizations[child], kustomizations, files, seen + (k.path,))
        for document in files.get(target, []):
            objects.add((document.get("kind"), (document.get("metadata") or {}).get("name")))
    return objects


def uses_mien_image(k, kustomizations, files):
    images = set()
    for entry in k.document.get("resources") or []:
        for document in files.get(os.path.normpath(os.path.join(k.folder, entry)), []):
            spec = pod_spec(document) or {}
            images |= {c.get("image", "").split(":")[0] for c in spec.get("containers", [])}
    return "mien" in images


def rewrites_mien_image(k, kustomizations):
    names = {i.get("name") for i in k.document.get("images") or []}
    for entry in k.document.get("components") or []:
        child = os.path.join(os.path.normpath(os.path.join(k.folder, entry)), "kustomization.yaml")
        if child in kustomizations:
            names |= {i.get("name") for i in kustomizations[child].document.get("images") or []}
    return "mien" in names


def check_manifests(folder, report):
    paths = sorted(glob.glob(os.path.join(folder, "**", "*.yaml"), recursive=True)
                   + glob.glob(os.path.join(folder, "**", "*.yml"), recursive=True))
    if not paths:
        report.add(folder, "no YAML files found")
        return 0
    kustomizations, files, count = {}, {}, 0
    for path in paths:
        documents = load_documents(path, report)
        count += len(documents)
        for index, document in enumerate(documents):
            if not isinstance(document, dict) or "kind" not in document or "apiVersion" not in document:
                report.add(path, "document %d is not a Kubernetes object (no kind/apiVersion)" % (index + 1))
            elif document["kind"] in KUSTOMIZE_KINDS:
                if os.path.basename(path) != "kustomization.yaml" or len(documents) != 1:
                    report.add(path, "a %s must be alone in a file named kustomization.yaml" % document["kind"])
                else:
                    kustomizations[path] = Kustomization(path, document)
            else:
                check_object(path, index, document, report)
                files.setdefault(path, []).append(document)
    if not kustomizations:
        report.add(folder, "no kustomization.yaml")
    listed = set()
    for k in kustomizations.values():
        listed |= set(check_kustomization(k, kustomizations, files, report))
        if k.document.get("kind") == "Kustomization" and uses_mien_image(k, kustomizations, files) \
                and not rewrites_mien_image(k, kustomizations):
            report.add(k.path, "its pods run the placeholder image `mien` but no images: entry rewrites it")
    for path in files:
        if path.endswith(".example.yaml"):
            if path in listed:
                report.add(path, "a template is listed by a kustomization; it would be applied as is")
        elif path not in listed:
            report.add(path, "not listed in any kustomization.yaml")
    return count


def check_dockerfile(path, report):
    try:
        with open(path) as f:
            parser = DockerfileParser(fileobj=f)
            instructions = parser.structure
    except OSError as error:
        report.add(path, "cannot read: %s" % error)
        return
    stages, global_args = [], {}
    for instruction in instructions:
        word, value = instruction["instruction"], instruction["value"]
        if word == "FROM":
            stages.append({"from": value, "args": {}, "envs": {}, "user": None, "runs": []})
        elif not stages:
            if word == "ARG" and "=" in value:
                key, default = value.split("=", 1)
                global_args[key.strip()] = default.strip()
        elif word == "ARG":
            key, _, default = value.partition("=")
            stages[-1]["args"][key.strip()] = default.strip()
        elif word == "ENV":
            key, _, setting = value.partition("=")
            stages[-1]["envs"][key.strip()] = setting.strip()
        elif word == "USER":
            stages[-1]["user"] = value.split(":")[0]
        elif word == "RUN":
            stages[-1]["runs"].append(value)
    if len(stages) < 2:
        report.add(path, "expected a build stage and a runtime stage, found %d FROM lines" % len(stages))
        return
    for stage in stages:
        image = stage["from"].split()[0]
        if image.startswith("${") and image.endswith("}"):
            image = global_args.get(image[2:-1], image)
        if "bookworm" not in image:
            report.add(path, "FROM %s: expected a Debian 12 (bookworm) image" % image)
    build = next((s for s in stages if "swift build" in " ".join(s["runs"])), None)
    if build is None:
        report.add(path, "no stage runs `swift build`")
    else:
        if build["envs"].get("MIEN_CPU") not in ("${MIEN_CPU}", "$MIEN_CPU", "portable"):
            report.add(path, "the build stage does not set ENV MIEN_CPU (from the MIEN_CPU build argument)")
        if build["envs"].get("MIEN_CPU", "").startswith("$") and build["args"].get("MIEN_CPU") != "portable":
            report.add(path, "the MIEN_CPU build argument must default to portable, found %r"
                       % build["args"].get("MIEN_CPU"))
        if not any("-c release" in run for run in build["runs"]):
            report.add(path, "the build stage does not build with -c release")
    if stages[-1]["envs"].get("OPENBLAS_NUM_THREADS") != "1":
        report.add(path, "the runtime stage does not set ENV OPENBLAS_NUM_THREADS=1 "
                   "(Mien runs its own threads above OpenBLAS)")
    user = stages[-1]["user"]
    if user in (None, "root", "0"):
        report.add(path, "the runtime stage runs as root; add a USER line")


def main():
    arguments = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    arguments.add_argument("k8s", nargs="?", default=os.path.join(REPOSITORY, "Deploy", "k8s"))
    arguments.add_argument("--dockerfile", default=os.path.join(REPOSITORY, "Deploy", "Dockerfile"))
    arguments.add_argument("--no-dockerfile", action="store_true", help="check the manifests only")
    options = arguments.parse_args()
    report = Report()
    count = check_manifests(os.path.abspath(options.k8s), report)
    if not options.no_dockerfile:
        check_dockerfile(options.dockerfile, report)
    for problem in report.problems:
        print(problem)
    if report.problems:
        print("validate_deploy: %d problem(s)" % len(report.problems))
        return 1
    print("validate_deploy: %d YAML documents under %s valid against Kubernetes %s (strict)%s"
          % (count, shown(os.path.abspath(options.k8s)), KUBE_VERSION,
             "" if options.no_dockerfile else "; Dockerfile ok"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
