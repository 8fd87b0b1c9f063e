# Placeholder until the real views land; every name here is routed in urls.py.
from django.http import HttpResponse


def resident_list(request, *args, **kwargs):
    return HttpResponse(status=501)


def resident_create(request, *args, **kwargs):
    return HttpResponse(status=501)


def family_list(request, *args, **kwargs):
    return HttpResponse(status=501)


def family_create(request, *args, **kwargs):
    return HttpResponse(status=501)


def family_detail(request, *args, **kwargs):
    return HttpResponse(status=501)


def family_birth(request, *args, **kwargs):
    return HttpResponse(status=501)


def family_split(request, *args, **kwargs):
    return HttpResponse(status=501)


def event_list(request, *args, **kwargs):
    return HttpResponse(status=501)


def move_in(request, *args, **kwargs):
    return HttpResponse(status=501)


def duplicate_list(request, *args, **kwargs):
    return HttpResponse(status=501)


def duplicate_decide(request, *args, **kwargs):
    return HttpResponse(status=501)


def resident_detail(request, *args, **kwargs):
    return HttpResponse(status=501)


def resident_edit(request, *args, **kwargs):
    return HttpResponse(status=501)


def resident_event(request, *args, **kwargs):
    return HttpResponse(status=501)


def resident_place(request, *args, **kwargs):
    return HttpResponse(status=501)

