{{/* Chart name, truncated to the 63 characters of a DNS label. */}}
{{- define "aims-monitor.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified app name: <release>-aims-monitor unless the release name already contains it. */}}
{{- define "aims-monitor.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "aims-monitor.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "aims-monitor.labels" -}}
helm.sh/chart: {{ include "aims-monitor.chart" . }}
{{ include "aims-monitor.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: aims-monitor
{{- end }}

{{- define "aims-monitor.selectorLabels" -}}
app.kubernetes.io/name: {{ include "aims-monitor.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "aims-monitor.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "aims-monitor.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "aims-monitor.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/* True ("true") when the data directory is a PVC: H2 in use and persistence on. */}}
{{- define "aims-monitor.dataOnClaim" -}}
{{- if and (not .Values.externalPostgresql.enabled) .Values.persistence.enabled }}true{{ end }}
{{- end }}

{{- define "aims-monitor.dataClaimName" -}}
{{- .Values.persistence.existingClaim | default (printf "%s-data" (include "aims-monitor.fullname" .)) }}
{{- end }}

{{/* Name of the ConfigMap holding one embedded rule pack. */}}
{{- define "aims-monitor.rulePackConfigMap" -}}
{{- printf "%s-rules-%s" (include "aims-monitor.fullname" .root) .pack | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "aims-monitor.connectorsConfigMap" -}}
{{- printf "%s-connectors" (include "aims-monitor.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Refuses values that would deploy something broken, with a message that says what to change.
Included by the Deployment so that `helm template`/`install` fail before anything is applied.
*/}}
{{- define "aims-monitor.validate" -}}
{{- $pg := .Values.externalPostgresql }}
{{- if and (gt (int .Values.replicaCount) 1) (not $pg.enabled) }}
{{- fail (printf "replicaCount=%d needs external PostgreSQL: the embedded H2 database allows only one replica. Set externalPostgresql.enabled=true with externalPostgresql.url (jdbc:postgresql://...) and externalPostgresql.existingSecret (see values-ha.yaml), or set replicaCount=1." (int .Values.replicaCount)) }}
{{- end }}
{{- if $pg.enabled }}
{{- if not $pg.existingSecret }}
{{- fail "externalPostgresql.enabled=true needs externalPostgresql.existingSecret: the name of a Secret with the database username and password (keys externalPostgresql.usernameKey / passwordKey). The chart never takes the password itself." }}
{{- end }}
{{- if and (not $pg.url) (not $pg.urlKey) }}
{{- fail "externalPostgresql.enabled=true needs externalPostgresql.url (jdbc:postgresql://host:5432/aims) or externalPostgresql.urlKey (a key of existingSecret holding the URL)." }}
{{- end }}
{{- if and $pg.url (not (hasPrefix "jdbc:postgresql://" $pg.url)) }}
{{- fail (printf "externalPostgresql.url must be a PostgreSQL JDBC URL starting with jdbc:postgresql://, got %q." $pg.url) }}
{{- end }}
{{- end }}
{{- if and (eq .Values.security.metrics.access "token") (not .Values.security.metrics.tokenSecret) }}
{{- fail "security.metrics.access=token needs security.metrics.tokenSecret: the name of a Secret holding the scrape token (key security.metrics.tokenKey), which both the service and the ServiceMonitor read." }}
{{- end }}
{{- if and .Values.rules.existingClaim (or .Values.rules.packs .Values.rules.existingConfigMaps) }}
{{- fail "rules.existingClaim replaces the whole rules directory: do not combine it with rules.packs or rules.existingConfigMaps." }}
{{- end }}
{{- if and .Values.connectors.existingClaim (or .Values.connectors.instances .Values.connectors.existingConfigMap) }}
{{- fail "connectors.existingClaim replaces the whole connectors directory: do not combine it with connectors.instances or connectors.existingConfigMap." }}
{{- end }}
{{- range $name, $instance := .Values.connectors.instances }}
{{- if kindIs "map" $instance }}
{{- $auth := $instance.auth | default dict }}
{{- range $key := list "token" "password" }}
{{- if hasKey $auth $key }}
{{- fail (printf "connectors.instances.%s.auth.%s: connector credentials must not be written in values (they would land in a ConfigMap). Use auth.%sEnv or auth.%sFile and reference a Secret in connectorSecrets." $name $key $key $key) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- range $i, $ref := .Values.rules.existingConfigMaps }}
{{- if or (not $ref.pack) (not $ref.configMap) }}
{{- fail (printf "rules.existingConfigMaps[%d] needs both pack (folder name) and configMap." $i) }}
{{- end }}
{{- end }}
{{- if and .Values.podAntiAffinity.type (hasKey (.Values.affinity | default dict) "podAntiAffinity") }}
{{- fail "podAntiAffinity.type and affinity.podAntiAffinity both set: use one of them." }}
{{- end }}
{{- if not (has .Values.podAntiAffinity.type (list "" "soft" "hard")) }}
{{- fail (printf "podAntiAffinity.type must be \"\", soft or hard, got %q." .Values.podAntiAffinity.type) }}
{{- end }}
{{- if and .Values.podDisruptionBudget.enabled .Values.podDisruptionBudget.minAvailable .Values.podDisruptionBudget.maxUnavailable }}
{{- fail "podDisruptionBudget: give minAvailable or maxUnavailable, not both (set the other to \"\")." }}
{{- end }}
{{- end }}
