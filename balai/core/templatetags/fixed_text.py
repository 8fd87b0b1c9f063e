"""`{% fixed %}…{% endfixed %}`: markup that is the same on every request, rendered once per
process and language and then served as it is.

A busy page (the resident list) spent more CPU on its constant labels than on its rows: each
`{% translate %}` is a gettext through thread-locals, each `{% url %}` a reverse, each
`{% static %}` a manifest look-up. Inside `{% fixed %}` only text and those three tags with
literal arguments are accepted (checked when the template is compiled), so nothing of the
request (user, village, CSRF token, CSP nonce) can ever be kept and shown to someone else.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import FilterExpression, Node, NodeList, TextNode, Variable
from django.template.defaulttags import URLNode
from django.templatetags.i18n import TranslateNode
from django.templatetags.static import StaticNode
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()


def _literal(expression: FilterExpression | None) -> bool:
    if expression is None or expression.filters:
        return False
    var = expression.var
    return isinstance(var, str) or (isinstance(var, Variable) and var.literal is not None and not var.lookups)


def _constant(node: Node) -> bool:
    if isinstance(node, TextNode):
        return True
    if isinstance(node, TranslateNode):
        return (
            not node.asvar
            and _literal(node.filter_expression)
            and (node.message_context is None or _literal(node.message_context))
        )
    if isinstance(node, URLNode):
        return not node.args and not node.kwargs and not node.asvar and _literal(node.view_name)
    if isinstance(node, StaticNode):
        return node.varname is None and _literal(node.path)
    return False


class FixedNode(Node):
    def __init__(self, nodelist: NodeList) -> None:
        self.nodelist = nodelist
        self.rendered: dict[tuple[Any, ...], SafeString] = {}

    def render(self, context: Any) -> SafeString:
        # The script prefix: URLs differ when the site is served below a path.
        key = (get_language(), get_script_prefix(), context.autoescape)
        text = self.rendered.get(key)
        if text is None:
            text = self.rendered[key] = mark_safe(self.nodelist.render(context))
        return text


@register.tag
def fixed(parser: Any, token: Any) -> FixedNode:
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% fixed %} takes no arguments")
    nodelist = parser.parse(("endfixed",))
    parser.delete_first_token()
    for node in nodelist:
        if not _constant(node):
            raise template.TemplateSyntaxError(
                f"{{% fixed %}} holds only text and {{% translate %}}, {{% url %}} and {{% static %}} "
                f"with literal arguments, not {node!r}"
            )
    return FixedNode(nodelist)
