{{/* Names, labels and shared values of the adr-operator chart. */}}

{{- define "adr-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's full name; Service, webhook and Secret names derive from it. */}}
{{- define "adr-operator.fullname" -}}
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

{{- define "adr-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "adr-operator.labels" -}}
helm.sh/chart: {{ include "adr-operator.chart" . }}
{{ include "adr-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: adr-operator
{{- end }}

{{- define "adr-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "adr-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "adr-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "adr-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Service the API server calls; the serving certificate is for its DNS names. */}}
{{- define "adr-operator.webhookService" -}}
{{- printf "%s-webhook" (include "adr-operator.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The Secret with the serving certificate (written by the operator or by cert-manager). */}}
{{- define "adr-operator.tlsSecret" -}}
{{- printf "%s-webhook-tls" (include "adr-operator.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "adr-operator.selfManaged" -}}
{{- if eq .Values.tls.mode "self-managed" }}true{{ end }}
{{- end }}

{{- define "adr-operator.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* Where the container finds (self-managed: writes) the serving certificate. */}}
{{- define "adr-operator.certDir" -}}
{{- if include "adr-operator.selfManaged" . }}/var/run/adr-operator/tls{{ else }}/etc/adr-operator/tls{{ end }}
{{- end }}

{{/* The DNS names of the webhook Service. */}}
{{- define "adr-operator.dnsNames" -}}
{{- $svc := include "adr-operator.webhookService" . }}
- {{ $svc }}
- {{ $svc }}.{{ .Release.Namespace }}
- {{ $svc }}.{{ .Release.Namespace }}.svc
- {{ $svc }}.{{ .Release.Namespace }}.svc.cluster.local
{{- end }}

{{/* The namespaceSelector both webhooks share: never kube-system nor the operator's own. */}}
{{- define "adr-operator.namespaceSelector" -}}
matchExpressions:
  - key: kubernetes.io/metadata.name
    operator: NotIn
    values:
      {{- range (uniq (append .Values.webhook.excludedNamespaces .Release.Namespace)) }}
      - {{ . | quote }}
      {{- end }}
  {{- with .Values.webhook.namespaceSelectorExpressions }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}
