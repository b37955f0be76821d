MIN_SCORE = 1
MAX_SCORE = 5
VOTER_COOKIE = "skhcn_voter"
VOTER_COOKIE_MAX_AGE = 5 * 365 * 24 * 3600
TOTALS_CACHE_SECONDS = 2


class Messages:
    THANKS = "Cảm ơn Ông/Bà đã đánh giá bài viết."
    BAD_SCORE = "Điểm đánh giá phải là một số nguyên từ 1 đến 5."
    ALREADY_VOTED = "Ông/Bà đã đánh giá bài viết này rồi. Mỗi người chỉ được đánh giá một lần."
    TOO_MANY = "Có quá nhiều lượt đánh giá từ địa chỉ mạng của Ông/Bà hôm nay. Vui lòng thử lại vào ngày mai."
    NOT_FOUND = "Bài viết không tồn tại hoặc chưa được xuất bản."
