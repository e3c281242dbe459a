{{/* Names, labels and images shared by the templates. */}}

{{- define "orion.fullname" -}}
{{- if contains "orion" .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-orion" .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "orion.labels" -}}
app.kubernetes.io/name: orion-vgpu
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one component: (dict "ctx" $ "component" "controller") */}}
{{- define "orion.selector" -}}
app.kubernetes.io/name: orion-vgpu
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* An Orion image: (dict "ctx" $ "image" .Values.controller.image) */}}
{{- define "orion.image" -}}
{{- $tag := .ctx.Values.image.tag | default .ctx.Chart.AppVersion -}}
{{- if .ctx.Values.image.registry -}}
{{- printf "%s/%s:%s" (trimSuffix "/" .ctx.Values.image.registry) .image $tag -}}
{{- else -}}
{{- printf "%s:%s" .image $tag -}}
{{- end -}}
{{- end -}}

{{/* The controller's address inside the cluster (host:port). */}}
{{- define "orion.controller" -}}
{{- printf "%s-controller.%s.svc:%d" (include "orion.fullname" .) .Release.Namespace (int .Values.controller.port) -}}
{{- end -}}

{{/* Environment every Orion container gets. */}}
{{- define "orion.env" -}}
- name: ORION_HOME
  value: /var/lib/orion
- name: NODE_NAME
  valueFrom:
    fieldRef:
      fieldPath: spec.nodeName
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
{{- end -}}

{{- define "orion.pullSecrets" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
{{ toYaml . }}
{{- end }}
{{- end -}}
