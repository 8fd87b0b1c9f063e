from django.contrib.auth import views as auth_views
from django.urls import path

from balai.accounts import views, views_auth

app_name = "accounts"
urlpatterns = [
    path("masuk/", views_auth.SignInView.as_view(), name="login"),
    path("masuk/kode/", views_auth.two_factor_verify, name="two_factor_verify"),
    path("dua-langkah/", views_auth.two_factor_manage, name="two_factor"),
    path("dua-langkah/pasang/", views_auth.two_factor_setup, name="two_factor_setup"),
    path("kata-sandi/", views_auth.password_change, name="password_change"),
    path("token/", views_auth.tokens, name="tokens"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    # Regency administration (Dispermades).
    path("desa/", views.village_admin, name="village_admin"),
    path("desa/<str:code>/nonaktifkan/", views.village_admin_deactivate, name="village_admin_deactivate"),
    path("pengguna/", views.user_admin_list, name="user_admin_list"),
    path("pengguna/baru/", views.user_admin_create, name="user_admin_create"),
    path("pengguna/<int:pk>/", views.user_admin_detail, name="user_admin_detail"),
    path("pengguna/<int:pk>/nonaktifkan/", views.user_admin_deactivate, name="user_admin_deactivate"),
    path("pengguna/<int:pk>/aktifkan/", views.user_admin_reactivate, name="user_admin_reactivate"),
    path("pengguna/<int:pk>/kata-sandi/", views.user_admin_password, name="user_admin_password"),
]
