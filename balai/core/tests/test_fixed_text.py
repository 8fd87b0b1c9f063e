"""`{% fixed %}`: constant markup rendered once per language, and nothing of the request in it."""

import pytest
from django.template import Context, Engine, TemplateSyntaxError
from django.utils import translation

ENGINE = Engine(
    libraries={
        "fixed_text": "balai.core.templatetags.fixed_text",
        "i18n": "django.templatetags.i18n",
        "static": "django.templatetags.static",
    }
)


def render(source: str, **context):
    return ENGINE.from_string("{% load i18n static fixed_text %}" + source).render(Context(context))


def test_renders_as_without_it_and_keeps_it():
    source = '<a href="{% url \'people:resident_list\' %}">{% translate "Penduduk" %} & co</a>'
    template = ENGINE.from_string("{% load i18n fixed_text %}{% fixed %}" + source + "{% endfixed %}")
    plain = ENGINE.from_string("{% load i18n %}" + source)
    assert template.render(Context()) == plain.render(Context()) == '<a href="/penduduk/">Penduduk & co</a>'
    fixed_node = next(n for n in template.nodelist if n.__class__.__name__ == "FixedNode")
    assert list(fixed_node.rendered) == [("id", "/", True)]
    with translation.override("en"):
        template.render(Context())
    assert len(fixed_node.rendered) == 2


@pytest.mark.parametrize(
    "inner",
    [
        "{{ user }}",
        "{% csrf_token %}",
        "{% translate name %}",
        "{% translate 'x'|upper %}",
        "{% translate 'x' as y %}",
        "{% url 'people:resident_detail' public_id %}",
        "{% url view_name %}",
        "{% static path %}",
        "{% if user %}x{% endif %}",
    ],
)
def test_refuses_anything_that_depends_on_the_request(inner):
    with pytest.raises(TemplateSyntaxError):
        render("{% fixed %}" + inner + "{% endfixed %}")
