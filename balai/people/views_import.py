# Placeholder until the real views land; every name here is routed in urls.py.
from django.http import HttpResponse


def import_start(request, *args, **kwargs):
    return HttpResponse(status=501)


def import_status(request, *args, **kwargs):
    return HttpResponse(status=501)


def import_errors_csv(request, *args, **kwargs):
    return HttpResponse(status=501)


def export_xlsx(request, *args, **kwargs):
    return HttpResponse(status=501)

