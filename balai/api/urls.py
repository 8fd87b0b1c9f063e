from balai.api.api import api

# config/urls.py includes this module lazily, under the API's own namespace ("api", app
# "ninja", as ninja names it): the patterns are ninja's, unwrapped.
urlpatterns, app_name, _namespace = api.urls
