#!/usr/bin/env python3
"""Writes spdx-2.3-subset.schema.json: the constraints of the published SPDX 2.3 JSON schema
(spdx/spdx-spec, schemas/spdx-schema.json, "SPDX 2.3.1") for the parts Surveyor emits — the document,
creationInfo, packages and relationships, with their required fields, patterns, enums and
additionalProperties: false — transcribed by hand because no Debian or npm package ships that schema.
Fields Surveyor never writes (files, snippets, annotations, ...) are only type-checked."""
import json
date = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]|23:59:60)Z$"
s = {"type": "string"}
pkg = {k: s for k in ["name", "versionInfo", "downloadLocation", "sourceInfo", "comment", "copyrightText",
                      "description", "homepage", "licenseComments", "licenseConcluded", "licenseDeclared",
                      "originator", "packageFileName", "summary", "supplier"]}
pkg.update({
    "SPDXID": {"type": "string", "pattern": "^SPDXRef-[a-zA-Z0-9.-]+$"},
    "filesAnalyzed": {"type": "boolean"},
    "attributionTexts": {"type": "array", "items": s},
    "licenseInfoFromFiles": {"type": "array", "items": s},
    "hasFiles": {"type": "array", "items": s},
    "builtDate": {"type": "string", "pattern": date},
    "releaseDate": {"type": "string", "pattern": date},
    "validUntilDate": {"type": "string", "pattern": date},
    "primaryPackagePurpose": {"type": "string", "enum": [
        "OTHER", "INSTALL", "ARCHIVE", "FIRMWARE", "APPLICATION", "FRAMEWORK", "LIBRARY", "CONTAINER",
        "SOURCE", "DEVICE", "OPERATING-SYSTEM", "FILE"]},
    "externalRefs": {"type": "array", "items": {
        "type": "object",
        "properties": {"comment": s, "referenceLocator": s, "referenceType": s,
                       "referenceCategory": {"type": "string", "enum": [
                           "OTHER", "PERSISTENT-ID", "PERSISTENT_ID", "SECURITY", "PACKAGE-MANAGER",
                           "PACKAGE_MANAGER"]}},
        "required": ["referenceCategory", "referenceLocator", "referenceType"],
        "additionalProperties": False}},
    "checksums": {"type": "array"}, "annotations": {"type": "array"},
    "packageVerificationCode": {"type": "object"},
})
rel_types = ("VARIANT_OF COPY_OF PATCH_FOR TEST_DEPENDENCY_OF CONTAINED_BY DATA_FILE_OF OPTIONAL_COMPONENT_OF "
             "ANCESTOR_OF GENERATES CONTAINS OPTIONAL_DEPENDENCY_OF FILE_ADDED REQUIREMENT_DESCRIPTION_FOR "
             "DEV_DEPENDENCY_OF DEPENDENCY_OF BUILD_DEPENDENCY_OF DESCRIBES PREREQUISITE_FOR HAS_PREREQUISITE "
             "PROVIDED_DEPENDENCY_OF DYNAMIC_LINK DESCRIBED_BY METAFILE_OF DEPENDENCY_MANIFEST_OF PATCH_APPLIED "
             "RUNTIME_DEPENDENCY_OF TEST_OF TEST_TOOL_OF DEPENDS_ON SPECIFICATION_FOR FILE_MODIFIED "
             "DISTRIBUTION_ARTIFACT AMENDS DOCUMENTATION_OF GENERATED_FROM STATIC_LINK OTHER BUILD_TOOL_OF "
             "TEST_CASE_OF PACKAGE_OF DESCENDANT_OF FILE_DELETED EXPANDED_FROM_ARCHIVE DEV_TOOL_OF EXAMPLE_OF").split()
schema = {
    "$schema": "https://json-schema.org/draft/2019-09/schema",
    "title": "SPDX 2.3.1, subset (see make_spdx_subset_schema.py)",
    "type": "object",
    "properties": {
        "$schema": s, "SPDXID": s, "comment": s, "name": s, "spdxVersion": s, "documentNamespace": s,
        "dataLicense": s, "annotations": {"type": "array"}, "externalDocumentRefs": {"type": "array"},
        "hasExtractedLicensingInfos": {"type": "array"}, "revieweds": {"type": "array"},
        "documentDescribes": {"type": "array", "items": s}, "files": {"type": "array"},
        "snippets": {"type": "array"},
        "creationInfo": {"type": "object",
                         "properties": {"comment": s, "created": {"type": "string", "pattern": date},
                                        "creators": {"minItems": 1, "type": "array", "items": s},
                                        "licenseListVersion": s},
                         "required": ["created", "creators"], "additionalProperties": False},
        "packages": {"type": "array", "items": {"type": "object", "properties": pkg,
                                                "required": ["SPDXID", "downloadLocation", "name"],
                                                "additionalProperties": False}},
        "relationships": {"type": "array", "items": {
            "type": "object",
            "properties": {"spdxElementId": s, "comment": s, "relatedSpdxElement": s,
                           "relationshipType": {"type": "string", "enum": rel_types}},
            "required": ["spdxElementId", "relatedSpdxElement", "relationshipType"],
            "additionalProperties": False}},
    },
    "required": ["SPDXID", "creationInfo", "dataLicense", "name", "spdxVersion", "documentNamespace"],
    "additionalProperties": False,
}
json.dump(schema, open("spdx-2.3-subset.schema.json", "w"), indent=1)
