from ninja import NinjaAPI

from balai.accounts.api_auth import TokenAuth
from balai.api import errors
from balai.api.events import router as events_router
from balai.api.families import router as families_router
from balai.api.residents import router as residents_router
from balai.api.stats import router as stats_router
from balai.letters.apis import router as letters_router

api = NinjaAPI(
    title="Balai API",
    version="1",
    description=(
        "Data penduduk satu desa untuk akun desa; jumlah agregat untuk kecamatan dan kabupaten. "
        "Autentikasi: header `Authorization: Bearer <token>` (token dari `balai create-token USERNAME`). "
        "NIK tidak pernah ditaruh di URL: cari NIK lewat `POST /residents/search`."
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=TokenAuth(),
)
errors.install(api)
api.add_router("/residents", residents_router)
api.add_router("/families", families_router)
api.add_router("/events", events_router)
api.add_router("/stats", stats_router)
api.add_router("/population", "balai.api.population.router")
api.add_router("/letters", letters_router)
api.add_router("/education", "balai.education.apis.router")
api.add_router("/aid", "balai.aid.apis.router")
api.add_router("/desk", "balai.desk.apis.router")
api.add_router("/finance", "balai.finance.apis.router")
api.add_router("/economy", "balai.economy.apis.router")
api.add_router("/staff", "balai.staff.apis.router")
api.add_router("/regency", "balai.regency.apis.router")
